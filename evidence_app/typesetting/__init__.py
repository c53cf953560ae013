"""Text and drawings on PDF pages: the Unicode fonts, right-to-left text, wrapped paragraphs and QR codes."""
