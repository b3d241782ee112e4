"""The report: HTML pages and tables (:mod:`.html`, :mod:`.pages`), the report-only data files
(:mod:`.files`), forest plots (:mod:`.forest_rows`, :mod:`.plots`), the summary of findings
(:mod:`.summary_of_findings`) and the notebooks' runner (:mod:`.notebooks`)."""
