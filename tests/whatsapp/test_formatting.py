"""WhatsApp's formatting rendered safely: escaped first, then bold/italic/strike/monospace."""

import pytest

from loket.channels.whatsapp.formatting import render


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("*Nomor* permohonan", "<strong>Nomor</strong> permohonan"),
        ("_miring_ dan ~coret~", "<em>miring</em> dan <s>coret</s>"),
        ("```#KIA#NIK#NO_KK```", '<code class="mono">#KIA#NIK#NO_KK</code>'),
        ("```a *b*\n_c_```", '<code class="mono">a *b*\n_c_</code>'),  # nothing formatted inside
        ("ketik `STATUS`", "ketik <code>STATUS</code>"),
        ("*_tebal miring_*", "<strong><em>tebal miring</em></strong>"),
        # Markers only at a word's edge, never around spaces, never across lines.
        ("2*3*4 dan snake_case_name", "2*3*4 dan snake_case_name"),
        ("* bukan tebal *", "* bukan tebal *"),
        ("*awal\nakhir*", "*awal\nakhir*"),
        ("", ""),
    ],
)
def test_whatsapp_formatting(text, html):
    assert str(render(text)) == html


def test_markup_in_a_message_is_shown_as_text_never_run():
    html = str(render("<script>alert('x')</script> *<img src=x onerror=alert(1)>*"))
    assert "<script" not in html and "<img" not in html
    assert html == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <strong>&lt;img src=x onerror=alert(1)&gt;</strong>"
    )


def test_links_are_clickable_and_stay_escaped():
    html = str(render('Hubungi "https://wa.me/6281282372016?text=KK&x=1". Terima kasih'))
    assert html == (
        '&quot;<a href="https://wa.me/6281282372016?text=KK&amp;x=1" rel="noopener noreferrer" '
        'target="_blank">https://wa.me/6281282372016?text=KK&amp;x=1</a>&quot;. Terima kasih'
    ).join(["Hubungi ", ""])
    # a link cannot break out of its attribute
    assert 'href="https://x.test/' in str(render('https://x.test/"onmouseover="alert(1)'))
    assert 'onmouseover="' not in str(render('https://x.test/"onmouseover="alert(1)'))
