#!/usr/bin/env python3
"""Reads a .docx with python-docx (an independent reader) and prints what the tests check as JSON:
each section's page size, orientation and margins in twips, the paragraphs' text, the East Asian
font of every run that names one, and each table's cell texts with the rows marked as repeating
headers. Usage: read-docx.py FILE.docx"""
import json, sys
import docx
from docx.oxml.ns import qn

d = docx.Document(sys.argv[1])
out = {"sections": [], "paragraphs": [], "fonts": {}, "tables": []}
for s in d.sections:
    out["sections"].append({
        "width": s.page_width.twips, "height": s.page_height.twips,
        "orientation": "landscape" if s.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE else "portrait",
        "top": s.top_margin.twips, "left": s.left_margin.twips})
for p in d.paragraphs:
    if p.text:
        out["paragraphs"].append(p.text)
    for r in p.runs:
        rpr = r._element.rPr
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")) and r.text:
            name = fonts.get(qn("w:eastAsia"))
            out["fonts"][name] = out["fonts"].get(name, 0) + 1
for t in d.tables:
    rows = []
    for row in t.rows:
        header = row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
        rows.append({"header": header, "cells": [c.text for c in row.cells]})
    out["tables"].append(rows)
print(json.dumps(out, ensure_ascii=False))
