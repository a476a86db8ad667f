//! The simulator against the AWS-recorded oracle (`../shared/oracle/vectors`): every vector is run through
//! `aslint::sim` and compared as the oracle's README says (status, output, error, cause, and the per-state list when
//! present, with placeholders and normalisation). Pass counts per area must not fall below the ratchet in
//! `tests/oracle-thresholds.toml`; divergences that remain are explained in `docs/sim-known-divergences.md`.
//!
//! `ASLINT_ORACLE_VERBOSE=1` prints every failing vector with the first difference.

mod support;

use aslint::sim::{self, Mocks, SimOptions, Unmocked};
use aslint::syntax::{self, SourceKind};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};

struct Cmp<'v> {
    placeholders: Vec<String>,
    ignore_keys: Vec<String>,
    _v: std::marker::PhantomData<&'v ()>,
}

fn date_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Date-times that are valid (a regex match that is not a real date, e.g. month 13, stays as written).
fn replace_dates(s: &str) -> String {
    date_re()
        .replace_all(s, |c: &regex::Captures<'_>| {
            let m = c.get(0).map_or("", |m| m.as_str());
            if aslint::sim::time::parse(m).is_some() {
                "date".to_string()
            } else {
                m.to_string()
            }
        })
        .into_owned()
}

/// Rule 3: date-times inside strings become `date`; `*timestamp*` keys whose value is not a date-time become
/// `timestamp`.
fn normalize(v: &Value, depth: usize) -> Value {
    if depth > 200 {
        return v.clone();
    }
    match v {
        Value::String(s) => Value::String(replace_dates(s)),
        Value::Array(a) => Value::Array(a.iter().map(|x| normalize(x, depth + 1)).collect()),
        Value::Object(o) => {
            let mut m = Map::new();
            for (k, x) in o {
                let is_date = x.as_str().is_some_and(|s| replace_dates(s) != *s);
                if k.to_ascii_lowercase().contains("timestamp") && !is_date {
                    m.insert(k.clone(), Value::String("timestamp".into()));
                } else {
                    m.insert(k.clone(), normalize(x, depth + 1));
                }
            }
            Value::Object(m)
        }
        other => other.clone(),
    }
}

impl Cmp<'_> {
    fn string_matches(&self, expected: &str, actual: &str) -> bool {
        support::placeholder_match(expected, actual, &self.placeholders)
    }

    /// `expected` is from the vector, `actual` already normalised.
    fn eq(&self, expected: &Value, actual: &Value) -> bool {
        match (expected, actual) {
            (Value::String(e), _) if self.placeholders.iter().any(|t| t == e) => true,
            (Value::String(e), Value::String(a)) => {
                if self.string_matches(e, a) {
                    return true;
                }
                match (
                    serde_json::from_str::<Value>(e),
                    serde_json::from_str::<Value>(a),
                ) {
                    (Ok(ej @ (Value::Object(_) | Value::Array(_))), Ok(aj)) => {
                        self.eq(&ej, &normalize(&aj, 0))
                    }
                    _ => false,
                }
            }
            (Value::Object(e), Value::Object(a)) => {
                let keep = |k: &String| !self.ignore_keys.contains(k);
                e.keys().filter(|k| keep(k)).count() == a.keys().filter(|k| keep(k)).count()
                    && e.iter()
                        .filter(|(k, _)| keep(k))
                        .all(|(k, ev)| a.get(k).is_some_and(|av| self.eq(ev, av)))
            }
            (Value::Array(e), Value::Array(a)) => {
                e.len() == a.len() && e.iter().zip(a).all(|(x, y)| self.eq(x, y))
            }
            _ => expected == actual,
        }
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs one vector; `Err` describes the first difference.
fn check_vector(v: &Value) -> Result<(), String> {
    let text = serde_json::to_string(&v["definition"]).map_err(|e| e.to_string())?;
    let parsed = syntax::parse(&text, SourceKind::Json);
    let root = parsed.root.ok_or("definition does not parse")?;
    let model = aslint::model::build(&root);
    let mocks = match v.get("mocks") {
        Some(m) => Mocks::from_inline_value(m)?,
        None => Mocks::none(),
    };
    let opts = SimOptions {
        input: v["input"].clone(),
        context: v.get("context").cloned().unwrap_or(Value::Null),
        mocks,
        resources: v.get("resources").cloned().unwrap_or(Value::Null),
        seed: 0,
        unmocked: Unmocked::Echo,
    };
    let run = sim::run(&model, &opts);
    let normalize_notes = strings(&v["normalize"]);
    let cmp = Cmp {
        placeholders: strings(&v["placeholders"]),
        ignore_keys: normalize_notes
            .iter()
            .filter_map(|n| n.strip_prefix("ignore-key:").map(str::to_string))
            .collect(),
        _v: std::marker::PhantomData,
    };
    let exp = &v["expected"];
    let status = run.status.as_str();
    if exp["status"] != status {
        return Err(format!(
            "status: expected {}, got {status} ({:?}: {:?})",
            exp["status"], run.error, run.cause
        ));
    }
    if status == "SUCCEEDED" {
        let out = normalize(&run.output.clone().unwrap_or(Value::Null), 0);
        if !cmp.eq(&exp["output"], &out) {
            return Err(format!("output: expected {}, got {out}", exp["output"]));
        }
    } else {
        let err = run.error.clone().map_or(Value::Null, Value::String);
        if exp.get("error").is_some() && !cmp.eq(&exp["error"], &err) {
            return Err(format!("error: expected {}, got {err}", exp["error"]));
        }
        if let Some(ec) = exp.get("cause") {
            if !normalize_notes.iter().any(|n| n == "cause-unverified") {
                let ours = match (&run.cause, ec) {
                    (Some(c), Value::Object(_) | Value::Array(_)) => {
                        serde_json::from_str(c).unwrap_or(Value::String(c.clone()))
                    }
                    (Some(c), _) => Value::String(c.clone()),
                    (None, _) => Value::Null,
                };
                let ours = normalize(&ours, 0);
                if !cmp.eq(ec, &ours) {
                    return Err(format!("cause: expected {ec}, got {ours}"));
                }
            }
        }
    }
    if let Some(Value::Array(states)) = exp.get("states") {
        compare_states(&cmp, states, &run.states, &normalize_notes)?;
    }
    Ok(())
}

fn compare_states(
    cmp: &Cmp<'_>,
    expected: &[Value],
    actual: &[sim::StateRecord],
    notes: &[String],
) -> Result<(), String> {
    if expected.len() != actual.len() {
        let names: Vec<&str> = actual.iter().map(|s| s.name.as_str()).collect();
        let exp: Vec<&str> = expected.iter().filter_map(|s| s["name"].as_str()).collect();
        return Err(format!("states: expected {exp:?}, got {names:?}"));
    }
    let entry_eq = |e: &Value, a: &sim::StateRecord| -> Result<(), String> {
        if e["name"] != a.name.as_str() {
            return Err(format!(
                "state name: expected {}, got {}",
                e["name"], a.name
            ));
        }
        if let Some(ei) = e.get("input") {
            let ai = normalize(&a.input, 0);
            if !cmp.eq(ei, &ai) {
                return Err(format!("state {} input: expected {ei}, got {ai}", a.name));
            }
        }
        if let Some(eo) = e.get("output") {
            let ao = normalize(&a.output.clone().unwrap_or(Value::Null), 0);
            if a.output.is_none() || !cmp.eq(eo, &ao) {
                return Err(format!("state {} output: expected {eo}, got {ao}", a.name));
            }
        }
        if let Some(ev) = e.get("variables") {
            let av = normalize(&a.variables.clone().map_or(Value::Null, Value::Object), 0);
            if !cmp.eq(ev, &av) {
                return Err(format!(
                    "state {} variables: expected {ev}, got {av}",
                    a.name
                ));
            }
        }
        Ok(())
    };
    let unordered = notes
        .iter()
        .any(|n| n == "parallel-order" || n == "map-order");
    if !unordered {
        for (e, a) in expected.iter().zip(actual) {
            entry_eq(e, a)?;
        }
        return Ok(());
    }
    // Multiset: greedy matching.
    let mut used = vec![false; actual.len()];
    for e in expected {
        let mut found = false;
        let mut last_err = String::new();
        for (i, a) in actual.iter().enumerate() {
            if used.get(i).copied().unwrap_or(true) {
                continue;
            }
            match entry_eq(e, a) {
                Ok(()) => {
                    if let Some(u) = used.get_mut(i) {
                        *u = true;
                    }
                    found = true;
                    break;
                }
                Err(m) => last_err = m,
            }
        }
        if !found {
            return Err(format!("states (unordered): no match for {e} ({last_err})"));
        }
    }
    Ok(())
}

fn read_json(p: &FsPath) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
}

fn thresholds() -> (usize, BTreeMap<String, usize>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle-thresholds.toml");
    let text = std::fs::read_to_string(&path).expect("tests/oracle-thresholds.toml is readable");
    let t: toml::Table = text
        .parse()
        .expect("tests/oracle-thresholds.toml is valid TOML");
    let overall = t
        .get("overall")
        .and_then(toml::Value::as_integer)
        .expect("`overall` is set") as usize;
    let areas = t
        .get("areas")
        .and_then(toml::Value::as_table)
        .map(|a| {
            a.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_integer()? as usize)))
                .collect()
        })
        .unwrap_or_default();
    (overall, areas)
}

#[test]
fn oracle_vectors() {
    let Some(shared) = support::shared_dir("oracle_vectors") else {
        return;
    };
    let root = shared.join("oracle/vectors");
    if !root.is_dir() {
        assert!(
            std::env::var("ASLINT_REQUIRE_SHARED").as_deref() != Ok("1"),
            "{} is absent",
            root.display()
        );
        eprintln!("notice: {} absent, oracle_vectors skipped", root.display());
        return;
    }
    let verbose = std::env::var("ASLINT_ORACLE_VERBOSE").is_ok_and(|v| v == "1");
    let mut areas: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    areas.sort();
    let mut per_area: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut pass, mut total) = (0usize, 0usize);
    for area in &areas {
        let name = area
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(area)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        let entry = per_area.entry(name.clone()).or_default();
        for f in files {
            let Some(v) = read_json(&f) else { continue };
            total += 1;
            entry.1 += 1;
            match check_vector(&v) {
                Ok(()) => {
                    pass += 1;
                    entry.0 += 1;
                }
                Err(why) if verbose => {
                    let id = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    let why: String = why.chars().take(600).collect();
                    eprintln!("FAIL {name}/{id}: {why}");
                }
                Err(_) => {}
            }
        }
    }
    for (a, (p, t)) in &per_area {
        println!("oracle {a:<20} {p:>4} / {t:<4}");
    }
    println!(
        "oracle overall {pass} / {total} ({:.1}%)",
        pass as f64 * 100.0 / total.max(1) as f64
    );
    let (min_overall, min_areas) = thresholds();
    assert!(
        pass >= min_overall,
        "oracle: {pass} vectors passed, the ratchet wants at least {min_overall}"
    );
    for (a, min) in &min_areas {
        let got = per_area.get(a).map_or(0, |x| x.0);
        assert!(
            got >= *min,
            "oracle area {a}: {got} passed, the ratchet wants at least {min}"
        );
    }
}

#[test]
fn normalisation_and_placeholders() {
    let cmp = Cmp {
        placeholders: vec!["<uuid:1>".into()],
        ignore_keys: vec!["RequestId".into()],
        _v: std::marker::PhantomData,
    };
    let n = normalize(
        &serde_json::json!({"t": "at 2025-01-01T00:00:05Z", "Timestamp": 17, "RequestId": 1}),
        0,
    );
    assert!(cmp.eq(
        &serde_json::json!({"t": "at date", "Timestamp": "timestamp"}),
        &n
    ));
    assert!(cmp.eq(
        &serde_json::json!("id-<uuid:1>"),
        &serde_json::json!("id-42")
    ));
    assert!(!cmp.eq(&serde_json::json!(1), &serde_json::json!(1.0)));
    assert!(cmp.eq(
        &serde_json::json!("{\"a\": 1}"),
        &serde_json::json!("{\"a\":1}")
    ));
}
