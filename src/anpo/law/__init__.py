"""What the law says: named, cited conditions over columns."""
