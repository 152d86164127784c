from django.urls import path

from loket.console import auth_views, counter, files, inbox, operator, views

app_name = "console"

urlpatterns = [
    path("console/login/", auth_views.login, name="login"),
    path("console/login/kode/", auth_views.verify, name="verify"),
    path("console/logout/", auth_views.logout, name="logout"),
    path("console/", views.home, name="home"),
    path("console/antrean/<str:service>/", views.queue, name="queue"),
    path("console/antrean/<str:service>/ambil/", views.take, name="take"),
    path("console/antrean/<str:service>/ekspor.csv", views.export, name="export"),
    path("console/permohonan/<int:pk>/", views.case_page, name="case"),
    path("console/permohonan/<int:pk>/ambil/", views.take_one, name="take_case"),
    path("console/permohonan/<int:pk>/dokumen/<int:doc>/", files.document_file, name="document"),
    path("console/permohonan/<int:pk>/dokumen/<int:doc>/label/", views.label_document, name="label"),
    path("console/permohonan/<int:pk>/perbaikan/", views.correction, name="correction"),
    path("console/permohonan/<int:pk>/setujui/", views.approve, name="approve"),
    path("console/permohonan/<int:pk>/bukti.pdf", views.receipt_pdf, name="receipt"),
    path("console/permohonan/<int:pk>/tolak/", views.reject_view, name="reject"),
    path("console/permohonan/<int:pk>/serahkan/", views.hand_over, name="hand_over"),
    path("console/permohonan/<int:pk>/balas/", views.reply, name="reply"),
    path("console/permohonan/<int:pk>/daftar-dokumen/", views.checklist_options, name="checklist"),
    path("console/permohonan/<int:pk>/persetujuan-kertas/", operator.paper_consent, name="paper_consent"),
    path("console/audit/", views.audit_search, name="audit"),
    path("console/laporan/", views.reports, name="reports"),
    path("console/balasan/", views.canned, name="canned"),
    path("console/staf/", views.staff, name="staff"),
    path("console/pengaturan/", views.preferences, name="preferences"),
    path("console/kotak-masuk/", inbox.inbox, name="inbox"),
    path("console/kotak-masuk/percakapan/<int:pk>/selesai/", inbox.handled, name="inbox_handled"),
    path("console/kotak-masuk/berkas/<int:doc>/", files.document_file, name="inbox_document"),
    path("console/kotak-masuk/berkas/<int:pk>/catat/", inbox.file_document, name="inbox_file"),
    # The counter and the printing list (scheduling's pickups, seen from the console).
    path("console/counter/", counter.counter, name="counter"),
    path("console/printing/", counter.printing_list, name="printing"),
    path("console/printing/export.<str:fmt>", counter.printing_export, name="printing-export"),
    path("console/printing/mark", counter.printing_mark, name="printing-mark"),
    # Village operators (loket.console.operator): their own submissions and the form.
    path("console/operator/", operator.submissions, name="operator_list"),
    path("console/operator/baru/", operator.choose, name="operator_new"),
    path("console/operator/baru/<str:service>/", operator.form, name="operator_form"),
    path("console/operator/permohonan/<int:pk>/", operator.submission_page, name="operator_case"),
    path("console/operator/permohonan/<int:pk>/dokumen/", operator.add_documents, name="operator_documents"),
]
