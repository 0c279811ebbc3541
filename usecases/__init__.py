"""Use cases joining the face models and the domain, one function each, for every entrypoint."""
