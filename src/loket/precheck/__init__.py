"""Document pre-checks (issue 18): read the numbers on a document's photo, compare them with
the request, and flag for the officer what needs a human eye. Never decides."""
