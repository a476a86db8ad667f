//! The semantic model through the public API, as the language server and the simulator use it.
use aslint::model;
use aslint::semantic::{ScopeId, Semantic, Target, TransitionKind};
use aslint::syntax::{parse, SourceKind};

const TEXT: &str = r#"StartAt: Fetch
States:
  Fetch:
    Type: Task
    Resource: arn:aws:states:us-east-1:123456789012:activity:fetch
    Catch:
      - ErrorEquals: [States.ALL]
        Next: Failed
    Next: Each
  Each:
    Type: Map
    ItemProcessor:
      StartAt: Item
      States:
        Item:
          Type: Pass
          Next: Done
    Next: Done
  Done:
    Type: Succeed
  Failed:
    Type: Fail
"#;

#[test]
fn references_definitions_and_scopes_from_outside_the_crate() {
    let parsed = parse(TEXT, SourceKind::Yaml);
    let root = parsed.root.expect("a tree");
    let def = model::build(&root);
    let sem = Semantic::build(&def);

    let done = sem.resolve("Done").expect("Done");
    // Find references: Each's Next, and Item's out-of-scope Next inside the item processor.
    let refs: Vec<(TransitionKind, &str)> = sem
        .predecessors(done)
        .map(|t| (t.kind, &TEXT[t.span().range()]))
        .collect();
    assert_eq!(
        refs,
        [
            (TransitionKind::Next, "Done"),
            (TransitionKind::Next, "Done")
        ]
    );
    let kinds: Vec<bool> = sem
        .predecessors(done)
        .map(|t| matches!(t.target, Target::InScope(_)))
        .collect();
    assert_eq!(kinds, [true, false]);

    // Go to definition from the catcher's `Next: Failed`.
    let at = TEXT.find("Next: Failed").expect("catcher") + "Next: ".len() + 2;
    let t = sem.transition_at(at).expect("a transition here");
    assert_eq!(t.kind, TransitionKind::Catch { index: 0 });
    let failed = t.target.state().expect("resolved");
    let name_span = sem.state(failed).expect("state").state.name.span;
    assert_eq!(&TEXT[name_span.range()], "Failed");

    // Graph queries of the machine scope.
    let order: Vec<&str> = sem
        .reachable_states(ScopeId::MACHINE)
        .into_iter()
        .filter_map(|s| sem.state(s).map(|s| s.name()))
        .collect();
    assert_eq!(order, ["Fetch", "Each", "Failed", "Done"]);
    assert!(sem.can_reach_terminal(sem.resolve("Fetch").expect("Fetch")));
    // The item processor has no terminal state: its only state leaves the scope.
    let item = sem.resolve("Item").expect("Item");
    assert!(!sem.can_reach_terminal(item));
    assert!(sem.may_reach_end(item));
    assert_eq!(sem.scopes().len(), 2);
}
