from case_procedure import codebook


def test_decisions_are_ordered_by_severity_as_the_issue_lists_them() -> None:
    ladder = ["statement_accepted", "deferred_for_inquiry", "warning", "file_notation", "reprimand",
              "strict_reprimand", "strict_reprimand_with_warning", "removal_from_party_post",
              "removal_from_job_recommended", "demotion_to_sympathizer", "expulsion"]
    assert [codebook.severity(d) for d in ladder] == list(range(len(ladder)))


def test_every_term_has_a_definition_and_a_source() -> None:
    for name, vocabulary in codebook.VOCABULARIES.items():
        assert vocabulary, name
        for term in vocabulary.values():
            assert term.definition.endswith("."), (name, term.id)
            assert term.source.pages, (name, term.id)


def test_every_ground_belongs_to_a_family() -> None:
    assert all(t.group in codebook.GROUND_FAMILIES for t in codebook.GROUND_TERMS)


def test_party_bodies_and_outside_actors_are_distinguished() -> None:
    assert {"shop_organization", "party_committee", "general_meeting", "district_committee", "city_committee",
            "party_control"} == set(codebook.PARTY_BODIES)
    assert {"nkvd", "director", "factory_newspaper"} <= set(codebook.BODIES) - codebook.PARTY_BODIES
