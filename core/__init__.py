"""Domain-free building blocks every app and every pure core may import (DESIGN §4).

Modules that the pure cores import (sports, units, geo, FIT header) import no Django; the rest
(http, crypto, outbox, uploads) are the small Django shell shared by every app. Nothing in
`core` imports an app.
"""
