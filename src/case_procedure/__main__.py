from case_procedure.cli import app

app(prog_name="case-procedure")
