"""The secretary's web pages and the live board: server-rendered, Vietnamese by default."""
