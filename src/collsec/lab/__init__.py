"""The lab: play a seat on the Council in the browser, alone or as a class.

``collsec lab`` serves it (:func:`collsec.lab.serve.serve`); it needs the
``lab`` extra (``pip install 'collsec[lab]'``: Starlette, Jinja2, uvicorn).
The pages are rendered by the server; the model is :mod:`collsec.cases.play`.
See docs/lab.md.
"""
