"""PAdES signing and verification around pyHanko. Pure code: bytes in, bytes out."""

__all__: list[str] = []
