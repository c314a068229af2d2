"""Certificate PDF rendering with the reportlab canvas: plain values in, PDF bytes out.

Two designs:
- the default design (no upload): A4 landscape, vector frame and ornaments, kop, number, name, role,
  event, organiser, dates, place, JP, issue place/date, signatory block and a verification QR;
- an uploaded background (JPEG by path) with organiser-positioned fields (TemplateSpec/FieldSpec).
An optional back page lists the materi and JP per session.

User text is only ever drawn with drawString/drawCentredString/drawRightString, never as Paragraph
markup, so "<b>" or "&" in a name is printed literally. Output is deterministic for the same input
(invariant canvas), which lets the caller store and compare the PDF's SHA-256.

A pure package (no Flask, no database), one module per part: model (what is printed), errors, kit (the
fonts and the QR drawing, in one place so they can move to a shared PDF kit), text (fitting and phrasing),
drawing (shared helpers, the canvas, the specimen stamp), front (the default design), back (materi pages),
background (an uploaded design with positioned fields) and render (the entry points).
"""
