//! Distributed Map `ItemReader`: reads items from the S3 objects given in the run's `resources`
//! (`{"s3": {"<bucket>": {"<key>": "<object text>"}}}`): JSON arrays, JSON Lines, CSV (header in the first row or
//! given), and `listObjectsV2` listings.

use serde_json::{Map, Value};

/// How to read one object.
#[derive(Debug, Clone, Default)]
pub struct ReaderOptions {
    /// `JSON` (default), `JSONL`, `CSV`, `MANIFEST`.
    pub input_type: Option<String>,
    /// `FIRST_ROW` (default) or `GIVEN`.
    pub csv_header_location: Option<String>,
    pub csv_headers: Vec<String>,
    /// `COMMA` (default), `PIPE`, `SEMICOLON`, `SPACE`, `TAB`.
    pub csv_delimiter: Option<String>,
    pub max_items: Option<i64>,
}

/// A reader failure: `States.ItemReaderFailed` with this cause, or another error name.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub error: &'static str,
    pub cause: String,
}

fn failed(cause: impl Into<String>) -> ReadError {
    ReadError {
        error: "States.ItemReaderFailed",
        cause: cause.into(),
    }
}

/// The text of `s3://bucket/key` in `resources`.
pub fn object<'r>(resources: &'r Value, bucket: &str, key: &str) -> Option<&'r str> {
    resources.get("s3")?.get(bucket)?.get(key)?.as_str()
}

/// Reads the items of one object (`s3:getObject`).
pub fn read_object(
    resources: &Value,
    bucket: &str,
    key: &str,
    opts: &ReaderOptions,
) -> Result<Vec<Value>, ReadError> {
    if let Some(m) = opts.max_items {
        if m < 0 {
            return Err(failed("field MaxItems must be positive"));
        }
    }
    let Some(text) = object(resources, bucket, key) else {
        return Err(ReadError {
            error: "S3.NoSuchKey",
            cause: format!("The specified key does not exist. (Bucket: {bucket}, Key: {key})"),
        });
    };
    let mut items = match opts.input_type.as_deref().unwrap_or("JSON") {
        "JSON" => match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(a)) => a,
            Ok(_) => return Err(failed("Attempting to map over non-iterable node.")),
            Err(e) => return Err(failed(format!("Failed to parse the JSON object: {e}"))),
        },
        "JSONL" => {
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line) {
                    Ok(v) => out.push(v),
                    Err(e) => {
                        return Err(failed(format!(
                            "Failed to parse line {} as JSON: {e}",
                            i + 1
                        )))
                    }
                }
            }
            out
        }
        "CSV" => read_csv(text, opts)?,
        other => return Err(failed(format!("Unsupported InputType {other}"))),
    };
    if let Some(m) = opts.max_items.filter(|m| *m > 0) {
        items.truncate(usize::try_from(m).unwrap_or(usize::MAX));
    }
    Ok(items)
}

/// `s3:listObjectsV2`: one item per object of the bucket whose key starts with `prefix`.
pub fn list_objects(resources: &Value, bucket: &str, prefix: &str) -> Vec<Value> {
    let Some(Value::Object(objs)) = resources.get("s3").and_then(|s| s.get(bucket)) else {
        return Vec::new();
    };
    let mut keys: Vec<(&String, &Value)> =
        objs.iter().filter(|(k, _)| k.starts_with(prefix)).collect();
    keys.sort_by(|a, b| a.0.cmp(b.0));
    keys.into_iter()
        .map(|(k, v)| {
            let size = v.as_str().map_or(0, str::len);
            let mut m = Map::new();
            m.insert("Etag".into(), Value::String(format!("\"{:032x}\"", fnv(k))));
            m.insert("Key".into(), Value::String(k.clone()));
            m.insert(
                "LastModified".into(),
                Value::String("2025-01-01T00:00:00.000Z".into()),
            );
            m.insert("Size".into(), Value::from(size));
            m.insert("StorageClass".into(), Value::String("STANDARD".into()));
            Value::Object(m)
        })
        .collect()
}

fn fnv(s: &str) -> u128 {
    s.bytes()
        .fold(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d, |h, b| {
            (h ^ u128::from(b)).wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013B)
        })
}

fn delimiter(opts: &ReaderOptions) -> Result<char, ReadError> {
    Ok(match opts.csv_delimiter.as_deref().unwrap_or("COMMA") {
        "COMMA" => ',',
        "PIPE" => '|',
        "SEMICOLON" => ';',
        "SPACE" => ' ',
        "TAB" => '\t',
        other => return Err(failed(format!("Unsupported CSVDelimiter {other}"))),
    })
}

/// Splits CSV text into rows of fields (RFC 4180 quoting).
fn csv_rows(text: &str, delim: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut it = text.chars().peekable();
    let mut any = false;
    while let Some(c) = it.next() {
        any = true;
        if quoted {
            if c == '"' {
                if it.peek() == Some(&'"') {
                    field.push('"');
                    it.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' {
            quoted = true;
        } else if c == delim {
            row.push(std::mem::take(&mut field));
        } else if c == '\n' || c == '\r' {
            if c == '\r' && it.peek() == Some(&'\n') {
                it.next();
            }
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
            any = false;
        } else {
            field.push(c);
        }
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn read_csv(text: &str, opts: &ReaderOptions) -> Result<Vec<Value>, ReadError> {
    let delim = delimiter(opts)?;
    let mut rows = csv_rows(text, delim).into_iter();
    let headers: Vec<String> = match opts.csv_header_location.as_deref().unwrap_or("FIRST_ROW") {
        "GIVEN" => opts.csv_headers.clone(),
        _ => rows.next().unwrap_or_default(),
    };
    let mut seen = std::collections::HashSet::new();
    if !headers.iter().all(|h| seen.insert(h.as_str())) {
        return Err(failed("CSV headers cannot contain duplicates."));
    }
    let mut out = Vec::new();
    for row in rows {
        if row.len() == 1 && row.first().is_some_and(String::is_empty) {
            continue;
        }
        let mut m = Map::new();
        for (i, h) in headers.iter().enumerate() {
            m.insert(
                h.clone(),
                Value::String(row.get(i).cloned().unwrap_or_default()),
            );
        }
        out.push(Value::Object(m));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats() {
        let res = json!({"s3": {"b": {
            "a.json": "[1, {\"x\": 2}]",
            "a.jsonl": "{\"x\":1}\n\n{\"x\":2}\n",
            "a.csv": "h1,h2\nv1,\"v,2\"\n",
            "dup.csv": "h,h\n1,2\n",
            "obj.json": "{}"
        }}});
        let o = ReaderOptions::default();
        assert_eq!(
            read_object(&res, "b", "a.json", &o).unwrap(),
            vec![json!(1), json!({"x": 2})]
        );
        let jl = ReaderOptions {
            input_type: Some("JSONL".into()),
            ..o.clone()
        };
        assert_eq!(read_object(&res, "b", "a.jsonl", &jl).unwrap().len(), 2);
        let csv = ReaderOptions {
            input_type: Some("CSV".into()),
            ..o.clone()
        };
        assert_eq!(
            read_object(&res, "b", "a.csv", &csv).unwrap(),
            vec![json!({"h1": "v1", "h2": "v,2"})]
        );
        assert_eq!(
            read_object(&res, "b", "dup.csv", &csv).unwrap_err().cause,
            "CSV headers cannot contain duplicates."
        );
        let given = ReaderOptions {
            csv_header_location: Some("GIVEN".into()),
            csv_headers: vec!["a".into(), "b".into()],
            max_items: Some(1),
            ..csv
        };
        assert_eq!(
            read_object(&res, "b", "dup.csv", &given).unwrap(),
            vec![json!({"a": "h", "b": "h"})]
        );
        assert_eq!(
            read_object(&res, "b", "obj.json", &o).unwrap_err().error,
            "States.ItemReaderFailed"
        );
        assert_eq!(
            read_object(&res, "b", "missing", &o).unwrap_err().error,
            "S3.NoSuchKey"
        );
        assert_eq!(list_objects(&res, "b", "a.").len(), 3);
    }
}
