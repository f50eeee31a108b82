"""MCP (Model Context Protocol), both sides.

* Server: the platform at ``/mcp`` offers a person's library agents as tools (``agents.py`` names
  them, ``runs.py`` starts and follows a run, ``server.py`` speaks the protocol through the SDK).
* Client: ``client.py`` lists and calls the tools of any MCP server through the SSRF-guarded client,
  for the *MCP tool* block and the builder's tool picker.
"""
