"""CompiledForm + data → HTML, .xlsx, PDF and CSV. Pure code: no request context."""

__all__: list[str] = []
