"""Reading and writing documents: JSON or YAML from a file or `-` (stdin)."""

from anpo.io.documents import DocumentError, in_file, read_document, read_parsed, to_json

__all__ = ["DocumentError", "in_file", "read_document", "read_parsed", "to_json"]
