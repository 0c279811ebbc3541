"""The HTTP service: FastAPI application, schemas, auth and the command line."""
