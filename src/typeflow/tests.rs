use super::*;
use crate::syntax::SourceKind;

fn with<R>(text: &str, f: impl FnOnce(&Semantic<'_>, &Analysis) -> R) -> R {
    with_input(text, Shape::Unknown, f)
}

/// One shape of a state's flow, described ("not reached" when the state is not).
fn at(sem: &Semantic<'_>, a: &Analysis, state: &str, pick: fn(&StateFlow) -> &Shape) -> String {
    sem.resolve(state)
        .and_then(|id| a.state(id))
        .map_or_else(|| "not reached".into(), |f| pick(f).describe())
}

/// The shape of a variable on entry to a state, described.
fn var(a: &Analysis, id: StateId, name: &str) -> String {
    a.variable_at(id, name)
        .map_or_else(|| "not assigned".into(), |l| l.shape().describe())
}

fn with_input<R>(text: &str, input: Shape, f: impl FnOnce(&Semantic<'_>, &Analysis) -> R) -> R {
    let parsed = crate::syntax::parse(text, SourceKind::Json);
    let root = parsed.root.expect("test document parses");
    let model = crate::model::build(&root);
    let sem = Semantic::build(&model);
    let a = analyze_with_input(&sem, input);
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
            "{id: string, lit: string, n: integer, t: string, xs: [integer, boolean]}"
        );
        // A Pass without Output passes its input on.
        assert_eq!(f.output, f.input);
    });
}

#[test]
fn jsonpath_assign_tracks_variable_shapes_and_reads() {
    let text = r#"{"StartAt":"A","States":{
        "A":{"Type":"Pass","Result":{"order":{"id":"o-1","qty":2}},"Assign":{"order.$":"$.order","n":1,"tag.$":"States.Format('x{}', $.order.id)"},"Next":"B"},
        "B":{"Type":"Pass","Parameters":{"id.$":"$order.id","bad.$":"$order.nope","q.$":"$n"},"End":true}}}"#;
    with(text, |sem, a| {
        let b = sem.resolve("B").expect("B");
        let vars = "{n: integer, order: {id: string, qty: integer}, tag: string}";
        assert_eq!(at(sem, a, "B", |f| &f.vars), vars);
        assert_eq!(var(a, b, "order"), "{id: string, qty: integer}");
        let out = "{bad: unknown, id: string, q: integer}";
        assert_eq!(at(sem, a, "B", |f| &f.output), out);
        let bad: Vec<&Read> = a
            .reads()
            .filter(|r| matches!(r.lookup, Lookup::Absent { .. }))
            .collect();
        assert_eq!(bad.len(), 1, "{bad:#?}");
        assert_eq!(bad[0].text, "$order.nope");
        assert_eq!(bad[0].against, Against::Variable);
        // Hover and completion on a variable path.
        assert_eq!(a.fields_at(b, "$order"), vec!["id", "qty"]);
        assert_eq!(
            a.shape_at(b, "$order.qty"),
            Some(Lookup::Found(Shape::integer(), Presence::Always))
        );
        assert_eq!(a.shape_at(b, "$nobody"), None);
        let names: Vec<&str> = a.assignments().iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, vec!["order", "n", "tag"]);
    });
}

#[test]
fn variables_join_at_merges_and_stay_inside_branches() {
    let text = r#"{"StartAt":"C","States":{
        "C":{"Type":"Choice","Choices":[{"Variable":"$.k","StringEquals":"a","Next":"A"}],"Default":"B"},
        "A":{"Type":"Pass","Assign":{"v":{"x":1},"w":"s"},"Next":"P"},
        "B":{"Type":"Pass","Assign":{"v":{"x":2,"y":true}},"Next":"P"},
        "P":{"Type":"Parallel","Branches":[{"StartAt":"In","States":{
            "In":{"Type":"Pass","Assign":{"inner":1},"Next":"In2"},
            "In2":{"Type":"Pass","Parameters":{"x.$":"$v.x"},"End":true}}}],"Next":"D"},
        "D":{"Type":"Pass","End":true}}}"#;
    with(text, |sem, a| {
        assert_eq!(
            at(sem, a, "P", |f| &f.vars),
            "{v: {x: integer, y?: boolean}, w?: string}"
        );
        // The branch sees the outer variables, and its own after its assignment.
        assert_eq!(
            at(sem, a, "In2", |f| &f.vars),
            "{inner: integer, v: {x: integer, y?: boolean}, w?: string}"
        );
        // Nothing assigned inside the branch is visible after the Parallel state.
        let d = sem.resolve("D").expect("D");
        assert_eq!(var(a, d, "inner"), "not assigned");
        assert!(a.variable_at(d, "v").is_some());
    });
}

#[test]
fn context_object_shapes() {
    let text = r#"{"StartAt":"M","States":{
        "M":{"Type":"Map","ItemsPath":"$.xs","ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","id.$":"$$.Execution.Id","in.$":"$$.Execution.Input"},
             "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"Next":"E"},
        "E":{"Type":"Pass","Parameters":{"n.$":"$$.State.Name","r.$":"$$.State.RetryCount"},"End":true}}}"#;
    let input = Shape::Object(Obj::closed([(
        "xs".to_string(),
        Shape::Array(Box::new(Shape::String)),
    )]));
    with_input(text, input, |sem, a| {
        assert_eq!(
            at(sem, a, "I", |f| &f.input),
            "{i: integer, id: string, in: {xs: array of string}, v: string}"
        );
        // A Pass state has no RetryCount: unknown, not an integer.

        assert_eq!(at(sem, a, "E", |f| &f.output), "{n: string, r: unknown}");
    });
}

#[test]
fn jsonata_expression_shapes() {
    let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{
        "A":{"Type":"Pass","Output":{"order":{"id":"o-1","qty":2,"items":[1,2]}},"Assign":{"seen":"{% $states.input.x %}","k":"{% 1 + 2 %}"},"Next":"B"},
        "B":{"Type":"Pass","Output":"{% {'id': $states.input.order.id, 'label': 'n' & $states.input.order.qty, 'big': $states.input.order.qty > 1, 'n': $count($states.input.order.items), 'sum': $states.input.order.qty * 2.5, 'xs': [1, 'a'], 'k': $k, 'missing': $states.input.nope, 'o': $states.input.order} %}","Next":"C"},
        "C":{"Type":"Pass","End":true}}}"#;
    with(text, |sem, a| {
        let c = sem.resolve("C").expect("C");
        assert_eq!(
            at(sem, a, "C", |f| &f.input),
            "{big: boolean, id: string, k: integer, label: string, missing?: unknown, n: integer, o: {id: string, items: [integer, integer], qty: integer}, sum: number, …}"
        );
        assert_eq!(var(a, c, "k"), "integer");
    });
}

#[test]
fn choice_rule_assign_applies_on_its_transition_only() {
    let text = r#"{"StartAt":"C","States":{
        "C":{"Type":"Choice","Assign":{"via":"default"},"Choices":[
            {"Variable":"$.k","StringEquals":"a","Assign":{"via":1},"Next":"A"}],"Default":"B"},
        "A":{"Type":"Succeed"},
        "B":{"Type":"Succeed"}}}"#;
    with(text, |sem, a| {
        let (ra, rb) = (sem.resolve("A").expect("A"), sem.resolve("B").expect("B"));
        assert_eq!(var(a, ra, "via"), "integer");
        assert_eq!(var(a, rb, "via"), "string");
    });
}

#[test]
fn jsonata_result_and_error_output() {
    let text = r#"{"QueryLanguage":"JSONata","StartAt":"T","States":{
        "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f"},
             "Output":"{% {'code': $states.result.StatusCode} %}",
             "Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% {'why': $states.errorOutput.Cause} %}","Next":"H"}],"Next":"N"},
        "N":{"Type":"Succeed"},
        "H":{"Type":"Succeed"}}}"#;
    with(text, |sem, a| {
        assert_eq!(at(sem, a, "N", |f| &f.input), "{code: integer}");
        assert_eq!(at(sem, a, "H", |f| &f.input), "{why: string}");
    });
}

#[test]
fn jsonata_map_items_and_item_selector() {
    let text = r#"{"QueryLanguage":"JSONata","StartAt":"M","States":{
        "M":{"Type":"Map","Items":"{% [1, 2, 3] %}",
             "ItemSelector":{"v":"{% $states.context.Map.Item.Value %}","i":"{% $states.context.Map.Item.Index %}","tag":"x"},
             "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}"#;
    let item = "{i: integer, tag: string, v: integer}";
    with(text, |sem, a| {
        assert_eq!(at(sem, a, "I", |f| &f.input), item);
        // The Map's result: the array of its iterations' outputs.
        assert_eq!(at(sem, a, "M", |f| &f.output), format!("array of {item}"));
    });
}
