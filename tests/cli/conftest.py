"""The users command reads the same test users as the auth tests."""

from tests.auth.conftest import hashes, users_file

__all__ = ["hashes", "users_file"]
