"""What leaves the app as figures: plotly charts, the standalone HTML report, the Monitor page's
numbers, and `hfcompare bench` for scripted runs."""
