"""/docs (Swagger UI) and /redoc from files an installed package ships: no CDN, no Internet."""

from __future__ import annotations

import logging
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

from api.web.render import environment

logger = logging.getLogger(__name__)

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
# Swagger UI and ReDoc as fastapi-offline (MIT) ships them: swagger-ui-bundle.js,
# swagger-ui.css, redoc.standalone.js, favicon.png.
ASSETS_URL = "/docs-assets"


def assets_dir() -> Path:
    return Path(str(files("fastapi_offline") / "static"))


def install_docs(app: FastAPI) -> None:
    """Serve the two documentation pages and their assets. The pages carry no inline script
    (Swagger UI starts from /static/docs-swagger.js; ReDoc starts itself from its <redoc>
    element), so their CSP needs no 'unsafe-inline' for scripts (api/headers.py)."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")

    def page(request: Request, template: str) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        body = (
            environment()
            .get_template(template)
            .render(
                title=app.title,
                openapi_url=f"{root}{app.openapi_url}",
                assets=f"{root}{ASSETS_URL}",
                static=f"{root}/static",
            )
        )
        return HTMLResponse(body)

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        return page(request, "docs_swagger.html")

    @app.get(REDOC_URL, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return page(request, "docs_redoc.html")
