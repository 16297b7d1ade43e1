"""The UI language: Chinese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC with an English
browser would get an English UI. Here only the user's explicit choice (the language cookie set by
the switch in the top bar) overrides LANGUAGE_CODE (zh-hans)."""

import ipaddress

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose body is larger than any the product accepts (``DT_REQUEST_MAX_BYTES``:
    the largest attachment plus room for the form around it) before a byte of it is read: 413.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE bounds only the fields of a request, not its files, so
    without this an upload of any size would be spooled to disk before the attachment's own size
    check refuses it. The API answers in its error shape; the pages with a short translated text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DT_REQUEST_MAX_BYTES:
            from django.http import HttpResponse, JsonResponse
            from django.utils.translation import gettext as _

            message = _("The request is too large.")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "too_large", "detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class TrustedProxyMiddleware:
    """Behind the installation's own proxies, the client's address is the one they forwarded.

    Every part of the product that records or limits by address reads ``REMOTE_ADDR`` only (the event
    log, the security log, the login lockout, the comment form's limits). Behind a proxy that is the
    proxy's address, so all clients would look like one. When the request comes from an address in
    ``DT_TRUSTED_PROXIES`` (networks, e.g. the private network of deploy/compose.yaml), this puts in
    ``REMOTE_ADDR`` the right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy:
    the one the outermost trusted proxy saw. From anywhere else the header is whatever the client
    says, and it is ignored. With no trusted proxies (the default) nothing changes.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = [ipaddress.ip_network(net, strict=False) for net in settings.DT_TRUSTED_PROXIES]

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, request):
        if self.networks and self._trusted(request.META.get("REMOTE_ADDR", "")):
            hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
            for hop in reversed(hops):
                if not self._trusted(hop):
                    try:
                        request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(hop))
                    except ValueError:
                        pass  # a forged or broken entry: keep the proxy's address
                    break
        return self.get_response(request)
