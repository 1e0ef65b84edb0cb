from django.template import Context, Template


def test_the_masked_filter_hides_the_middle_of_an_identifier():
    template = Template("{% load identifiers %}[{{ kk|masked }}][{{ none|masked }}]")
    assert template.render(Context({"kk": "3510150101900001", "none": None})) == (
        "[3510********0001][]"
    )
