""".xlsx template → CompiledForm compiler. Pure code: bytes in, dataclasses out."""

__all__: list[str] = []
