"""HTTP routes, one module per group; each handler only translates to and from the library."""
