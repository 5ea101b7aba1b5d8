"""Run the project on Databricks and deploy the DAGs to MWAA: `python -m jobs.deploy --help`."""
