from django.http import HttpResponse


def home(request):
    return HttpResponse("")


search = service_detail = enterprise_detail = shortlist = shortlist_print = shortlist_add = shortlist_remove = home
accessibility = privacy = cookies = home
