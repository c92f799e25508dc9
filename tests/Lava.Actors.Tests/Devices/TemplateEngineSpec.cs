using Lava.Actors.Lab.Devices;
using Xunit;

namespace Lava.Actors.Tests.Devices;

/// <summary>
/// The jinja2 subset, feature by feature. Each expected text is what Jinja2 3.1 renders for the same template and
/// variables (sandboxed environment, trim_blocks=True, autoescape off).
/// </summary>
public sealed class TemplateEngineSpec
{
    private static readonly IReadOnlyDictionary<string, object?> Variables = new Dictionary<string, object?>
    {
        ["name"] = "lava",
        ["items"] = new List<object?> { 1L, 2L, 3L },
        ["map"] = new OrderedDictionary<string, object?> { ["a"] = 1L, ["b"] = "two" },
        ["flag"] = true,
        ["none"] = null,
        ["n"] = 7L,
    };

    private static string Render(string template, IReadOnlyDictionary<string, object?>? variables = null) =>
        new DeviceTemplates(new Dictionary<string, string> { ["t.jinja2"] = template }).Render("t.jinja2", variables ?? Variables);

    [Theory]
    [InlineData("trim_blocks drops the newline after a block tag", "{% if true %}\nyes\n{% endif %}\nend\n{{ name }}\nx", "yes\nend\nlava\nx")]
    [InlineData("a dash strips whitespace on its side", "a  {%- if true -%}  b  {%- endif -%}  c\n  {{- name -}}  \n.", "abclava.")]
    [InlineData("comments print nothing and trim like blocks", "x{# c #}\ny {#- c -#}   z", "xyz")]
    [InlineData("values print as Python prints them", "{{ name }}|{{ missing }}|{{ items }}|{{ map }}|{{ flag }}|{{ none }}|{{ 1.5 }}|{{ 2.0 }}|{{ [\"it's\", 'a\\nb', 'q\"'] }}", "lava||[1, 2, 3]|{'a': 1, 'b': 'two'}|True|None|1.5|2.0|[\"it's\", 'a\\nb', 'q\"']")]
    [InlineData("arithmetic follows Python", "{% set x = n * 2 + 1 %}{{ x }} {{ n // 2 }} {{ n % 4 }} {{ n / 2 }} {{ 2 ** 3 }} {{ -n }} {{ 1 + 2.5 }} {{ (1 + 2) * 3 }}", "15 3 3 3.5 8 -7 3.5 9")]
    [InlineData("strings and lists concatenate", "{{ name ~ '-' ~ n }} {{ name + '!' }} {{ items + [4] }} {{ missing ~ 'x' }}", "lava-7 lava! [1, 2, 3, 4] x")]
    [InlineData("comparisons and logic", "{{ n > 5 and n < 10 }} {{ not flag }} {{ 'a' in map }} {{ 'z' not in map }} {{ 2 in items }} {{ 'av' in name }} {{ none or 'd' }} {{ 1 < n <= 7 }} {{ 'x' in missing }} {{ n == 7.0 }} {{ name != 'lava' }}", "True False True True True True d True False True False")]
    [InlineData("tests", "{{ missing is defined }} {{ name is defined }} {{ none is none }} {{ name is string }} {{ n is not string }} {{ map is mapping }} {{ n is number }} {{ missing is undefined }}", "False True True True True True True True")]
    [InlineData("if elif else", "{% for v in [1, 2, 3] %}{% if v == 1 %}one{% elif v == 2 %}two{% else %}many{% endif %} {% endfor %}", "one two many ")]
    [InlineData("loop variables", "{% for i in items %}{{ loop.index }}/{{ loop.length }}/{{ loop.index0 }}/{{ loop.revindex }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %} {% endfor %}", "1/3/0/3F 2/3/1/2 3/3/2/1L ")]
    [InlineData("for unpacks dict items and iterates keys", "{% for k, v in map.items() %}{{ k }}={{ v }};{% endfor %}{% for k in map %}{{ k }}{% endfor %}", "a=1;b=two;ab")]
    [InlineData("for else and for if", "{% for x in [] %}x{% else %}empty{% endfor %} {% for i in items if i > 1 %}{{ i }}{% endfor %}", "empty 23")]
    [InlineData("for over an undefined name runs no iteration", "{% for x in missing %}x{% endfor %}ok", "ok")]
    [InlineData("a set inside a loop stays in the loop", "{% set x = 1 %}{% for i in items %}{% set x = i %}{% endfor %}{{ x }}", "1")]
    [InlineData("a set inside if is visible after it", "{% if flag %}{% set x = 'in' %}{% endif %}{{ x }}", "in")]
    [InlineData("filters", "{{ missing | default('d') }} {{ none | default('d') }} {{ '' | default('d', true) }} {{ items | join(', ') }} {{ name | upper }} {{ 'ABC' | lower }} [{{ ' x ' | trim }}] {{ 'aaa' | replace('a', 'b') }} {{ 'aaa' | replace('a', 'b', 2) }} {{ '42' | int + 1 }} {{ 'x' | int }} {{ 3.9 | int }} {{ n | string ~ '!' }} {{ items | length }} {{ items | first }} {{ items | last }} {{ missing | d('e') }} {{ '2.5' | float }} {{ 'hello' | capitalize }}", "d None d 1, 2, 3 LAVA abc [x] bbb bba 43 0 3 7! 3 1 3 e 2.5 Hello")]
    [InlineData("filter precedence over operators", "{{ 'v' + missing | default('x') }} {{ n | default(1) | string + '0' }} {{ -n | abs if false else 'neg' }}", "vx 70 neg")]
    [InlineData("a filter block indents", "{% filter indent(width=2) %}a\nb\n\nc{% endfilter %}|{% filter indent(4, true) %}x\ny\n{% endfilter %}|{% filter upper %}up{% endfilter %}", "a\n  b\n\n  c|    x\n    y\n|UP")]
    [InlineData("attribute and item access", "{{ map.a }} {{ map['b'] }} {{ items[0] }} {{ items[-1] }} {{ map.get('z', 'none') }} {{ map.get('z') }} {{ map.zz }}|{{ items[9] }}|{{ map.keys() | join }} {{ map.values() | list }} {{ name.upper() }} {{ 'a b'.split() }}", "1 two 1 3 none None ||ab [1, 'two'] LAVA ['a', 'b']")]
    [InlineData("adjacent strings concatenate and escapes apply", "{{ 'a' 'b' \"c\" }} {{ 'tab\\there' }} {{ 'back\\\\slash' }} {{ \"l1\nl2\" }}", "abc tab\there back\\slash l1\nl2")]
    public void Renders_as_jinja2_does(string feature, string template, string expected)
    {
        Assert.True(expected == Render(template), $"{feature}: expected\n{expected}\ngot\n{Render(template)}");
    }

    private static readonly Dictionary<string, string> Inheritance = new()
    {
        ["base.jinja2"] = "{% set greeting = greeting | default('hello') %}\nhead {{ greeting }}\n{% block a %}base-a {{ who }}{% endblock a %}\n"
            + "{% block b %}base-b{% block inner %} base-inner{% endblock %}{% endblock %}\n{% block c %}base-c{% endblock %}\n"
            + "again: {{ self.inner() }}\n{% block d %}{% set local = 'L' %}{{ local }}{% endblock %}[{{ local }}]\n",
        ["mid.jinja2"] = "{% extends 'base.jinja2' %}\nignored text\n{% set who = 'mid-' ~ who | default('nobody') %}\n"
            + "{% block a %}mid-a({{ super() }}){% endblock %}\n{% block inner %} mid-inner{% endblock %}\n",
        ["child.jinja2"] = "{# a child #}\n{% extends 'mid.jinja2' %}\n{% set who = 'child' %}\n{% set greeting = 'hi' %}\n"
            + "{% block a %}child-a[{{ super() }}]{% endblock %}\n{% block c %}{{ super() }}+child-c{% endblock %}\nignored too\n",
    };

    [Fact]
    public void Child_sets_run_before_the_parent_and_the_most_derived_block_renders_with_super_and_self()
    {
        var templates = new DeviceTemplates(Inheritance);

        Assert.Equal(
            "head hi\nchild-a[mid-a(base-a mid-child)]base-b mid-innerbase-c+child-cagain:  mid-inner\nL[]",
            templates.Render("child.jinja2", new Dictionary<string, object?> { ["who"] = "ctx" }));
        Assert.Equal(
            "head hello\nmid-a(base-a mid-nobody)base-b mid-innerbase-cagain:  mid-inner\nL[]",
            templates.Render("mid.jinja2"));
    }

    [Fact]
    public void Dictionary_sets_override_the_job_context()
    {
        var templates = new DeviceTemplates(new Dictionary<string, string>
        {
            ["type.jinja2"] = "{% set delay = delay | default(5) %}{% block body %}{{ delay }} {{ other }}{% endblock %}",
            ["dut.jinja2"] = "{% extends 'type.jinja2' %}\n{% set delay = 10 %}",
        });

        Assert.Equal("10 job", templates.Render("dut.jinja2", new Dictionary<string, object?> { ["delay"] = 1L, ["other"] = "job" }));
    }

    [Fact]
    public void A_syntax_error_names_the_template_and_line()
    {
        var templates = new DeviceTemplates(new Dictionary<string, string>
        {
            ["type.jinja2"] = "a\nb\n{% if x %}\nnever closed\n",
            ["dut.jinja2"] = "{% extends 'type.jinja2' %}",
        });

        var error = Assert.Throws<TemplateException>(() => templates.Render("dut.jinja2"));

        Assert.Equal("type.jinja2", error.TemplateName);
        Assert.Equal(4, error.Line);
        Assert.Contains("endif", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_variable_used_in_arithmetic_fails_naming_the_block_template_and_line()
    {
        var templates = new DeviceTemplates(new Dictionary<string, string>
        {
            ["type.jinja2"] = "{% block body %}{% endblock %}",
            ["dut.jinja2"] = "{% extends 'type.jinja2' %}\n{% block body %}\nok\n{{ 'setenv ethaddr ' + mac }}\n{% endblock %}",
        });

        var error = Assert.Throws<TemplateException>(() => templates.Render("dut.jinja2"));

        Assert.Equal("dut.jinja2", error.TemplateName);
        Assert.Equal(4, error.Line);
        Assert.Equal("'mac' is undefined", error.Reason);
    }

    [Fact]
    public void Extending_a_missing_template_fails_at_the_extends()
    {
        var templates = new DeviceTemplates(new Dictionary<string, string> { ["dut.jinja2"] = "\n{% extends 'nowhere.jinja2' %}" });

        var error = Assert.Throws<TemplateException>(() => templates.Render("dut.jinja2"));

        Assert.Equal(("dut.jinja2", 2), (error.TemplateName, error.Line));
        Assert.Contains("nowhere.jinja2", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_filter_is_an_error_even_where_it_would_not_run()
    {
        var error = Assert.Throws<TemplateException>(() => Render("ok\n{% if false %}{{ name | shout }}{% endif %}"));

        Assert.Equal((2, "no filter named 'shout'"), (error.Line, error.Reason));
    }

    [Fact]
    public void An_error_in_an_elif_test_names_the_elif_line()
    {
        var error = Assert.Throws<TemplateException>(() => Render("{% if false %}\na\n{% elif missing > 1 %}\nb\n{% endif %}"));

        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void The_loader_takes_the_first_directory_holding_the_name()
    {
        var root = Directory.CreateTempSubdirectory("lava-templates-");
        try
        {
            var devices = Directory.CreateDirectory(Path.Combine(root.FullName, "devices")).FullName;
            var local = Directory.CreateDirectory(Path.Combine(root.FullName, "local")).FullName;
            var shipped = Directory.CreateDirectory(Path.Combine(root.FullName, "shipped")).FullName;
            File.WriteAllText(Path.Combine(devices, "dut1.jinja2"), "{% extends 'board.jinja2' %}\n{% set port = 7001 %}");
            File.WriteAllText(Path.Combine(local, "board.jinja2"), "{% extends 'base.jinja2' %}{% block body %}local {{ port }}{% endblock %}");
            File.WriteAllText(Path.Combine(shipped, "board.jinja2"), "shipped");
            File.WriteAllText(Path.Combine(shipped, "base.jinja2"), "base: {% block body %}{% endblock %}");

            var templates = DeviceTemplates.ForLab(devices, local, shipped);

            Assert.Equal("base: local 7001", templates.RenderDevice("dut1"));
            Assert.Equal("board.jinja2", templates.ExtendedTemplate("dut1"));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
