//! Semantic model tests on parsed documents.
use super::*;
use crate::model::build;
use crate::syntax::{parse_json, Node};

fn parse(text: &str) -> Node {
    let out = parse_json(text, false);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    out.root.expect("a tree")
}

fn id(sem: &Semantic<'_>, name: &str) -> StateId {
    sem.resolve(name)
        .unwrap_or_else(|| panic!("no state {name}"))
}

fn names(sem: &Semantic<'_>, ids: &[StateId]) -> Vec<String> {
    ids.iter()
        .map(|i| {
            sem.state(*i)
                .map(|s| s.name().to_string())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn chain_reachability_terminals_and_predecessors() {
    let text = r#"{"StartAt":"A","States":{
            "A":{"Type":"Pass","Next":"B"},
            "B":{"Type":"Task","Resource":"r","Next":"C"},
            "C":{"Type":"Succeed"}}}"#;
    let root = parse(text);
    let def = build(&root);
    let sem = Semantic::build(&def);
    assert_eq!(sem.scopes().len(), 1);
    let m = sem.scope(ScopeId::MACHINE).expect("machine");
    assert_eq!(m.start_state(), Some(id(&sem, "A")));
    assert_eq!(m.graph.node_count(), 3);
    assert_eq!(m.graph.edge_count(), 2);
    assert_eq!(
        names(&sem, &sem.reachable_states(ScopeId::MACHINE)),
        ["A", "B", "C"]
    );
    assert_eq!(names(&sem, &sem.terminal_states(ScopeId::MACHINE)), ["C"]);
    for n in ["A", "B", "C"] {
        assert!(sem.can_reach_terminal(id(&sem, n)), "{n}");
        assert!(!sem.in_cycle(id(&sem, n)), "{n}");
    }
    // Predecessors of A: StartAt only, with the span of its value.
    let preds: Vec<_> = sem.predecessors(id(&sem, "A")).collect();
    assert_eq!(preds.len(), 1);
    assert_eq!(preds[0].kind, TransitionKind::Start);
    assert_eq!(preds[0].source, None);
    assert_eq!(&text[11..14], "\"A\"");
    assert_eq!(preds[0].span(), Span::new(11, 14));
    assert_eq!(preds[0].pointer(), "/StartAt");
    // Go to definition from the `Next` of B, find references from the name of C.
    let next_c = text.find(r#""Next":"C""#).expect("Next") + 8;
    let t = sem.transition_at(next_c).expect("a transition");
    assert_eq!(t.target, Target::InScope(id(&sem, "C")));
    let name_c = text.find(r#""C":{"#).expect("C") + 1;
    assert_eq!(sem.state_named_at(name_c), Some(id(&sem, "C")));
    assert_eq!(sem.transition_at(0).map(|t| t.id), None);
    let preds: Vec<_> = sem.predecessors(id(&sem, "C")).collect();
    assert_eq!(preds.len(), 1);
    assert_eq!(preds[0].source, Some(id(&sem, "B")));
    assert_eq!(preds[0].pointer(), "/States/B/Next");
}

#[test]
fn orphan_cycle_is_unreachable() {
    let root = parse(
        r#"{"StartAt":"A","States":{
            "A":{"Type":"Pass","End":true},
            "B":{"Type":"Pass","Next":"C"},
            "C":{"Type":"Pass","Next":"B"},
            "D":{"Type":"Pass","Next":"A"}}}"#,
    );
    let def = build(&root);
    let sem = Semantic::build(&def);
    assert!(sem.is_reachable(id(&sem, "A")));
    for n in ["B", "C", "D"] {
        assert!(!sem.is_reachable(id(&sem, n)), "{n}");
    }
    assert!(sem.in_cycle(id(&sem, "B")) && sem.in_cycle(id(&sem, "C")));
    assert!(!sem.in_cycle(id(&sem, "D")) && !sem.in_cycle(id(&sem, "A")));
    assert_eq!(names(&sem, sem.cycle_of(id(&sem, "C"))), ["B", "C"]);
    // The orphan loop never ends; D can reach A's End.
    assert!(!sem.can_reach_terminal(id(&sem, "B")));
    assert!(sem.can_reach_terminal(id(&sem, "D")));
}

#[test]
fn self_transition_is_a_cycle() {
    let root = parse(r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"W"}}}"#);
    let def = build(&root);
    let sem = Semantic::build(&def);
    let w = id(&sem, "W");
    assert!(sem.in_cycle(w));
    assert!(sem.is_reachable(w));
    assert!(!sem.can_reach_terminal(w));
}

#[test]
fn nested_scopes_resolve_in_their_own_scope() {
    let root = parse(
        r#"{"StartAt":"P","States":{
            "P":{"Type":"Parallel","Next":"M","Branches":[
                {"StartAt":"B1","States":{"B1":{"Type":"Pass","Next":"Out"}}},
                {"StartAt":"B2","States":{"B2":{"Type":"Pass","Next":"B1"}}}]},
            "M":{"Type":"Map","Next":"I","ItemProcessor":{"StartAt":"I","States":{
                "I":{"Type":"Pass","Next":"Nowhere"}}}},
            "Out":{"Type":"Succeed"}}}"#,
    );
    let def = build(&root);
    let sem = Semantic::build(&def);
    assert_eq!(sem.scopes().len(), 4);
    assert_eq!(sem.describe_scope(ScopeId::MACHINE), "the state machine");
    let b1 = id(&sem, "B1");
    let branch0 = sem.state(b1).map(|s| s.scope).expect("scope");
    assert_eq!(
        sem.describe_scope(branch0),
        "branch #1 of Parallel state `P`"
    );
    let i = id(&sem, "I");
    let proc = sem.state(i).map(|s| s.scope).expect("scope");
    assert_eq!(
        sem.describe_scope(proc),
        "the `ItemProcessor` of Map state `M`"
    );
    assert!(sem.scope_within(proc, ScopeId::MACHINE));
    assert!(!sem.scope_within(ScopeId::MACHINE, proc));
    assert!(!sem.scope_within(branch0, proc));
    // The start of each scope resolves inside it.
    for sc in sem.scopes() {
        assert!(sc.start_state().is_some(), "{:?}", sc.id);
    }
    let targets: Vec<(&str, Target)> = sem
        .transitions()
        .iter()
        .filter(|t| t.kind == TransitionKind::Next)
        .map(|t| (t.name, t.target))
        .collect();
    assert_eq!(
        targets,
        [
            ("M", Target::InScope(id(&sem, "M"))),
            ("I", Target::OtherScope(i)),
            ("Out", Target::OtherScope(id(&sem, "Out"))),
            ("B1", Target::OtherScope(b1)),
            ("Nowhere", Target::NotFound),
        ]
    );
    // Out-of-scope transitions are not graph edges but are references of their target.
    let b2 = id(&sem, "B2");
    assert!(sem.state(b2).is_some_and(|s| s.open));
    let kinds: Vec<_> = sem.predecessors(b1).map(|t| (t.kind, t.source)).collect();
    assert_eq!(
        kinds,
        [
            (TransitionKind::Start, None),
            (TransitionKind::Next, Some(b2))
        ]
    );
    assert_eq!(sem.resolve_in(ScopeId::MACHINE, "B1"), None);
    assert_eq!(sem.resolve_in(branch0, "B1"), Some(b1));
    assert_eq!(
        sem.state_at_pointer("/States/P/Branches/1/States/B2"),
        Some(b2)
    );
}

#[test]
fn catch_edges_count_for_reachability_and_exits() {
    let root = parse(
        r#"{"StartAt":"Poll","States":{
            "Poll":{"Type":"Task","Resource":"r","Next":"Wait",
                    "Catch":[{"ErrorEquals":["A"],"Next":"Poll"},{"ErrorEquals":["States.ALL"],"Next":"Failed"}]},
            "Wait":{"Type":"Wait","Seconds":5,"Next":"Poll"},
            "Failed":{"Type":"Fail"}}}"#,
    );
    let def = build(&root);
    let sem = Semantic::build(&def);
    let failed = id(&sem, "Failed");
    assert!(sem.is_reachable(failed));
    assert!(sem.can_reach_terminal(id(&sem, "Wait")));
    let kinds: Vec<_> = sem.successors(id(&sem, "Poll")).map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            TransitionKind::Next,
            TransitionKind::Catch { index: 0 },
            TransitionKind::Catch { index: 1 }
        ]
    );
    let preds: Vec<_> = sem
        .predecessors(failed)
        .map(|t| t.pointer().to_string())
        .collect();
    assert_eq!(preds, ["/States/Poll/Catch/1/Next"]);
    // Poll loops to itself through a catcher.
    assert!(sem.in_cycle(id(&sem, "Poll")));
}

#[test]
fn choice_edges_carry_rule_indices_and_choice_is_never_terminal() {
    let root = parse(
        r#"{"StartAt":"C","States":{
            "C":{"Type":"Choice","End":true,"Choices":[
                {"Variable":"$.x","IsPresent":true,"Next":"A"},
                {"Variable":"$.y","IsPresent":true,"Next":"C"}],"Default":"Done"},
            "A":{"Type":"Pass","Next":"C"},
            "Done":{"Type":"Succeed"},
            "L":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"L2"}]},
            "L2":{"Type":"Pass","Next":"L"}}}"#,
    );
    let def = build(&root);
    let sem = Semantic::build(&def);
    let c = id(&sem, "C");
    assert!(!sem.is_terminal(c));
    let kinds: Vec<_> = sem.successors(c).map(|t| (t.kind, t.name)).collect();
    assert_eq!(
        kinds,
        [
            (TransitionKind::ChoiceRule { index: 0 }, "A"),
            (TransitionKind::ChoiceRule { index: 1 }, "C"),
            (TransitionKind::Default, "Done")
        ]
    );
    assert!(sem.can_reach_terminal(id(&sem, "A")));
    // Without Default the loop L -> L2 -> L has no way out (a failed match is not an exit).
    assert!(!sem.can_reach_terminal(id(&sem, "L")));
    assert!(!sem.is_reachable(id(&sem, "L")));
    assert_eq!(
        TransitionKind::ChoiceRule { index: 1 }.describe(),
        "`Next` of choice rule #2"
    );
}

#[test]
fn unknown_and_broken_transitions_are_open() {
    let root = parse(
        r#"{"StartAt":"A","States":{
            "A":{"Type":"Pass","Next":"${Target}"},
            "B":{"Type":"Pass","Next":"Missing"},
            "C":{"Type":"Pass"},
            "D":{"Type":"Pass","Next":42},
            "E":{"Next":"E"}}}"#,
    );
    let def = build(&root);
    let sem = Semantic::build(&def);
    for n in ["A", "B", "C", "D", "E"] {
        let s = sem.state(id(&sem, n)).expect("state");
        assert!(s.open, "{n} should be open");
        // Open states may end the scope; no terminal state exists, strictly.
        assert!(sem.may_reach_end(s.id), "{n}");
        assert!(!sem.can_reach_terminal(s.id), "{n}");
    }
    let targets: Vec<_> = sem.transitions().iter().map(|t| t.target).collect();
    assert_eq!(
        targets,
        [
            Target::InScope(id(&sem, "A")),
            Target::Unknown,
            Target::NotFound,
            Target::Unknown,
            Target::InScope(id(&sem, "E")),
        ]
    );
    assert!(sem.state(id(&sem, "E")).is_some_and(|s| s.uncertain));
}

#[test]
fn unresolved_start_reaches_nothing() {
    let root = parse(r#"{"StartAt":"Nope","States":{"A":{"Type":"Succeed"}}}"#);
    let def = build(&root);
    let sem = Semantic::build(&def);
    let m = sem.scope(ScopeId::MACHINE).expect("machine");
    assert_eq!(m.start_state(), None);
    assert!(sem.reachable_states(ScopeId::MACHINE).is_empty());
    assert_eq!(
        sem.transition(m.start.expect("start")).map(|t| t.target),
        Some(Target::NotFound)
    );
}

#[test]
fn long_chains_and_wide_graphs_do_not_overflow() {
    // 20,000 states in one loop, closed by the last: iterative searches only.
    let n = 20_000;
    let mut text = String::from(r#"{"StartAt":"S0","States":{"#);
    for i in 0..n {
        let next = (i + 1) % n;
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(r#""S{i}":{{"Type":"Pass","Next":"S{next}"}}"#));
    }
    text.push_str("}}");
    let root = parse(&text);
    let def = build(&root);
    let sem = Semantic::build(&def);
    assert_eq!(sem.reachable_states(ScopeId::MACHINE).len(), n);
    assert_eq!(sem.cycle_of(id(&sem, "S0")).len(), n);
    assert!(!sem.can_reach_terminal(id(&sem, "S777")));
}

#[test]
fn foreign_ids_do_not_panic() {
    let root = parse(r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#);
    let def = build(&root);
    let sem = Semantic::build(&def);
    let bogus = StateId(99);
    assert!(sem.state(bogus).is_none());
    assert!(!sem.is_reachable(bogus));
    assert!(!sem.in_cycle(bogus));
    assert_eq!(sem.predecessors(bogus).count(), 0);
    assert!(sem.cycle_of(bogus).is_empty());
    assert!(sem.scope(ScopeId(7)).is_none());
    assert!(sem.reachable_states(ScopeId(7)).is_empty());
}

#[test]
fn deep_nesting_resolves_out_of_scope_targets() {
    // 45 Parallel states nested in each other (about 230 JSON levels); the innermost state names the top-level `Done`.
    let depth = 45;
    let mut inner =
        String::from(r#"{"StartAt":"Leaf","States":{"Leaf":{"Type":"Pass","Next":"Done"}}}"#);
    for i in (0..depth).rev() {
        inner = format!(
            r#"{{"StartAt":"P{i}","States":{{"P{i}":{{"Type":"Parallel","End":true,"Branches":[{inner}]}}}}}}"#
        );
    }
    let text = format!(
        r#"{{"StartAt":"Top","States":{{"Top":{{"Type":"Parallel","Next":"Done","Branches":[{inner}]}},"Done":{{"Type":"Succeed"}}}}}}"#
    );
    let root = parse(&text);
    let def = build(&root);
    let sem = Semantic::build(&def);
    let leaf = id(&sem, "Leaf");
    let done = id(&sem, "Done");
    let t = sem.successors(leaf).next().expect("a transition");
    assert_eq!(t.target, Target::OtherScope(done));
    let leaf_scope = sem.state(leaf).map(|s| s.scope).expect("scope");
    assert!(sem.scope_within(leaf_scope, ScopeId::MACHINE));
    assert_eq!(
        sem.ancestor_in(leaf, ScopeId::MACHINE),
        Some(id(&sem, "Top"))
    );
    assert_eq!(sem.ancestor_in(done, leaf_scope), None);
    assert_eq!(sem.scopes().len(), depth + 2);
    // Find references of Done: the top-level Parallel's Next and the leaf's out-of-scope Next.
    assert_eq!(sem.predecessors(done).count(), 2);
}
