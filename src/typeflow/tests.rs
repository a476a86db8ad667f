use super::*;
use crate::syntax::SourceKind;

fn with<R>(text: &str, f: impl FnOnce(&Semantic<'_>, &Analysis) -> R) -> R {
    let parsed = crate::syntax::parse(text, SourceKind::Json);
    let root = parsed.root.expect("test document parses");
    let model = crate::model::build(&root);
    let sem = Semantic::build(&model);
    let a = analyze(&sem);
    f(&sem, &a)
}

#[test]
fn pass_result_flows_to_next_state() {
    let text = r#"{"StartAt":"A","States":{
        "A":{"Type":"Pass","Result":{"order":{"items":[{"sku":"x","qty":1}]}},"Next":"B"},
        "B":{"Type":"Succeed"}}}"#;
    with(text, |sem, a| {
        let b = sem.resolve("B").expect("B");
        let f = a.state(b).expect("B reached");
        assert_eq!(
            f.input.describe(),
            "{order: {items: [{qty: integer, sku: string}]}}"
        );
        assert_eq!(a.fields_at(b, "$.order"), vec!["items".to_string()]);
        match a.shape_at(b, "$.nope") {
            Some(Lookup::Absent { segment: 0, .. }) => {}
            other => panic!("expected absent, got {other:?}"),
        }
    });
}

#[test]
fn choice_branches_join_with_optional_fields() {
    let text = r#"{"StartAt":"C","States":{
        "C":{"Type":"Choice","Choices":[{"Variable":"$.k","StringEquals":"a","Next":"A"}],"Default":"B"},
        "A":{"Type":"Pass","Result":{"id":1,"n":2},"Next":"D"},
        "B":{"Type":"Pass","Result":{"id":1},"Next":"D"},
        "D":{"Type":"Pass","Parameters":{"x.$":"$.n"},"End":true}}}"#;
    with(text, |sem, a| {
        let d = sem.resolve("D").expect("D");
        let f = a.state(d).expect("D reached");
        assert_eq!(f.incoming.len(), 2, "{f:#?}");
        assert_eq!(f.input.describe(), "{id: integer, n?: integer}");
        assert_eq!(f.output.describe(), "{x: integer}");
    });
}

#[test]
fn jsonata_output_shapes_where_evident() {
    let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{
        "A":{"Type":"Pass","Output":{"order":{"id":"o-1","qty":2}},"Next":"B"},
        "B":{"Type":"Pass","Output":{"id":"{% $states.input.order.id %}","n":"{% 3 %}","t":"{% $now() %}","lit":"x","xs":[1,"{% true %}"]},"Next":"C"},
        "C":{"Type":"Pass","End":true}}}"#;
    with(text, |sem, a| {
        let c = sem.resolve("C").expect("C");
        let f = a.state(c).expect("C reached");
        assert_eq!(
            f.input.describe(),
            "{id: string, lit: string, n: integer, t: unknown, xs: [integer, boolean]}"
        );
        // A Pass without Output passes its input on.
        assert_eq!(f.output, f.input);
    });
}
