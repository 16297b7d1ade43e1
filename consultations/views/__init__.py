"""The public side's pages: ``public`` (no login: catalogues, consultations, comments, tracking,
published decisions, downloads) and ``inbox`` (the lead sponsor's comment inbox)."""
