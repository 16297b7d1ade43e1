"""The UI language: Chinese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC with an English
browser would get an English UI. Here only the user's explicit choice (the language cookie set by
the switch in the top bar) overrides LANGUAGE_CODE (zh-hans)."""

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
