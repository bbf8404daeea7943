"""Tests of the export writers (Excel, CSV, chart images, slides)."""
