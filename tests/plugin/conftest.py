# pytester runs each inner session in this process and then forgets the modules it
# imported; importing the heavy ones here, once, keeps every inner run at ~0.2 s
# instead of ~2 s (without bytecode caching they are compiled again each time).
import anyio.to_thread  # noqa: F401
import httpcore  # noqa: F401  (httpx imports it lazily; its exception map must keep the same classes)
import httpx  # noqa: F401
import hypothesis  # noqa: F401

import contract_tests._fixture  # noqa: F401
import mockserver.transports.httpx_inprocess  # noqa: F401
