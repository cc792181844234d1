"""Reading and writing documents: JSON or YAML from a file or `-` (stdin)."""

from anpo.io.documents import DocumentError, read_document, to_json

__all__ = ["DocumentError", "read_document", "to_json"]
