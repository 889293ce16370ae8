"""Validators of the shipped JSON schemas, compiled by fastjsonschema (see :mod:`coverage.schemas`)."""
