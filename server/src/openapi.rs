//! `GET /api/v1/openapi.json`: the API described as OpenAPI 3.1, built from what the handlers
//! themselves use: the category registry (every list's slug, its columns as the items' fields,
//! its filters and sort keys as the query), the ingest rules (which fields a record must
//! carry, which lists take none) and the Rust types of the answers (`utoipa::ToSchema`).
//! Nothing is written twice, so a column added to a `record!` appears here by itself.

use app::db::filters::MAX_EXCLUSIONS;
use app::db::ingest::{required, upserts, Accepted, Rejected};
use app::db::list::table_shape;
use app::list::{param, Category, Column, ColumnKind, FilterKind, PAGE_SIZES};
use axum::Json;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItemBuilder};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    ComponentsBuilder, InfoBuilder, KnownFormat, OpenApi, OpenApiBuilder, PathsBuilder, Ref, RefOr, Required,
};
use utoipa::{PartialSchema, ToSchema};

/// Where the document is served.
pub const PATH: &str = "/api/v1/openapi.json";

/// The handler: the same document for everyone (it describes, it reveals no data).
pub async fn document() -> Json<OpenApi> {
    Json(build())
}

fn typed(kind: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::new(kind))
}

/// A column's value as the API shows it (`time` as integer UTC milliseconds) or, `sent`, as
/// ingest accepts it (a time also as an RFC 3339 string).
fn field_schema(column: &Column, sent: bool) -> RefOr<Schema> {
    let base = match column.kind {
        ColumnKind::Integer => typed(Type::Integer).format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
        ColumnKind::Text => typed(Type::String),
        ColumnKind::Flag => typed(Type::Boolean),
        ColumnKind::Time => typed(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .description(Some("UTC milliseconds since 1970")),
        ColumnKind::Code(list) => {
            typed(Type::String).enum_values(Some(list.codes.iter().map(|c| c.code))).description(Some(list.name))
        }
    };
    let schema: RefOr<Schema> = if sent && column.kind == ColumnKind::Time {
        let text = typed(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)));
        OneOfBuilder::new().item(base).item(text).description(Some("UTC milliseconds, or an RFC 3339 time")).into()
    } else {
        base.into()
    };
    if column.nullable {
        OneOfBuilder::new().item(schema).item(typed(Type::Null)).into()
    } else {
        schema
    }
}

/// The schema of a list's item (as GET shows it) and of a record sent to it (POST).
fn item_schemas(category: Category, columns: &[Column]) -> (Schema, Schema) {
    let with_id = upserts(category);
    let (mut item, mut record) = (ObjectBuilder::new(), ObjectBuilder::new());
    for column in columns {
        item = item.property(column.name, field_schema(column, false)).required(column.name);
        if column.is_written(with_id) {
            record = record.property(column.name, field_schema(column, true));
            if required(column, with_id) {
                record = record.required(column.name);
            }
        }
    }
    let title = category.spec().title;
    let sent = "A record of a batch. Text left out is empty, flags false, nullable fields null.";
    (
        item.description(Some(title)).into(),
        record.additional_properties(Some(AdditionalProperties::FreeForm(false))).description(Some(sent)).into(),
    )
}

fn schema_ref(name: &str) -> Ref {
    Ref::from_schema_name(name)
}

fn query_parameter(name: &str, schema: impl Into<RefOr<Schema>>, description: &str) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .schema(Some(schema))
        .description(Some(description))
}

/// The list's query: what every list understands, then its own filters and sort keys.
fn list_parameters(category: Category) -> Vec<ParameterBuilder> {
    let spec = category.spec();
    let sort_keys: Vec<&str> = spec.columns.iter().filter_map(|c| c.sort_key).collect();
    let text = || typed(Type::String);
    let mut all = vec![
        query_parameter(param::PAGE, typed(Type::Integer).minimum(Some(1)), "Page number, from 1"),
        query_parameter(
            param::SIZE,
            typed(Type::Integer).enum_values(Some(PAGE_SIZES.iter().copied())),
            "Rows per page",
        ),
        query_parameter(param::SORT, text().enum_values(Some(sort_keys)), "Sort key (default: the time, newest first)"),
        query_parameter(param::DIR, text().enum_values(Some(["asc", "desc"])), "Sort direction"),
        query_parameter(
            param::FROM,
            text(),
            "Rows at or after this time, in the appliance's time zone (YYYY-MM-DDTHH:MM)",
        ),
        query_parameter(param::TO, text(), "Rows before this time, in the appliance's time zone"),
        query_parameter(param::TEXT, text(), "Free text, matched anywhere in the searchable fields"),
        query_parameter(
            param::FOLLOW,
            text().enum_values(Some(["1"])),
            "The console's Follow toggle; the rows are read as without it",
        ),
    ];
    for filter in spec.filters() {
        let (schema, how) = match filter.kind {
            FilterKind::Code(list) => (text().enum_values(Some(list.codes.iter().map(|c| c.code))), "equals"),
            FilterKind::YesNo => (text().enum_values(Some(["yes", "no"])), "equals"),
            FilterKind::Prefix => (text(), "starts with (in double quotes: equals)"),
            FilterKind::Exact => (text(), "equals"),
            FilterKind::AccountId => (typed(Type::Integer), "rows bound to the account with this id"),
        };
        let schema: Schema = schema.build().into();
        all.push(query_parameter(filter.name, schema.clone(), &format!("{}: {how}", filter.label)));
        if !matches!(filter.kind, FilterKind::AccountId) {
            let excluded = filter.exclusion_param();
            let values = ArrayBuilder::new().items(RefOr::T(schema)).max_items(Some(MAX_EXCLUSIONS));
            let how = format!("{}: leaves out the rows whose value equals one of these (repeatable)", filter.label);
            all.push(query_parameter(&excluded, values, &how).explode(Some(true)));
        }
    }
    all
}

fn text_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new()
        .description(description)
        .content("text/plain", ContentBuilder::new().schema(Some(String::schema())).build())
}

fn json_response(description: &str, schema: impl Into<RefOr<Schema>>) -> ResponseBuilder {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(schema)).build())
}

/// The refusals every call may meet.
fn refusals(operation: OperationBuilder, read: bool) -> OperationBuilder {
    let operation = operation
        .response("400", text_response("A malformed query or value, said in words"))
        .response("401", text_response("No session and no valid token (WWW-Authenticate: Bearer)"))
        .response("429", text_response("Too many failed attempts from this address"));
    if read {
        operation.response("403", text_response("An ingest token, or a role that may not export"))
    } else {
        operation.response("403", text_response("A read token or a session: only an ingest token may send"))
    }
}

fn id_parameter() -> ParameterBuilder {
    ParameterBuilder::new()
        .name("id")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .schema(Some(typed(Type::Integer).format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))))
}

/// The whole document.
pub fn build() -> OpenApi {
    let mut paths = PathsBuilder::new();
    let mut components = ComponentsBuilder::new()
        .schema(Accepted::name(), Accepted::schema())
        .schema(Rejected::name(), Rejected::schema())
        .schema("RecordError", app::db::ingest::RecordError::schema())
        .security_scheme("token", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()))
        .security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("pslog_session"))));
    for &category in Category::ALL {
        let slug = category.slug();
        let title = category.spec().title;
        let (columns, ingestible) = table_shape(category);
        let (item, record) = item_schemas(category, columns);
        let item_name = format!("{}Item", pascal(slug));
        let record_name = format!("{}Record", pascal(slug));
        components = components.schema(&item_name, item);
        let page = typed(Type::Object)
            .property("total", typed(Type::Integer))
            .required("total")
            .property("items", ArrayBuilder::new().items(schema_ref(&item_name)))
            .required("items");
        let mut list = OperationBuilder::new()
            .operation_id(Some(format!("list_{slug}")))
            .summary(Some(format!("{title}: one page")))
            .tag(slug)
            .response("200", json_response("The page and the number of rows that match", page));
        for parameter in list_parameters(category) {
            list = list.parameter(parameter);
        }
        let mut item_path = PathItemBuilder::new().operation(HttpMethod::Get, refusals(list, true));
        if ingestible {
            components = components.schema(&record_name, record);
            let array = ArrayBuilder::new().items(schema_ref(&record_name));
            let body = RequestBodyBuilder::new()
                .description(Some(
                    "NDJSON (one record per line) or a JSON array; at most the ingest limit (64 MiB by default)",
                ))
                .required(Some(Required::True))
                .content("application/x-ndjson", ContentBuilder::new().schema(Some(schema_ref(&record_name))).build())
                .content("application/json", ContentBuilder::new().schema(Some(array)).build())
                .build();
            let ingest = OperationBuilder::new()
                .operation_id(Some(format!("ingest_{slug}")))
                .summary(Some(format!("{title}: send a batch (all or nothing)")))
                .tag(slug)
                .parameter(
                    ParameterBuilder::new()
                        .name("Idempotency-Key")
                        .parameter_in(ParameterIn::Header)
                        .required(Required::False)
                        .schema(Some(typed(Type::String)))
                        .description(Some("A retry with the same key answers as the first time and writes nothing")),
                )
                .request_body(Some(body))
                .response(
                    "200",
                    json_response("Stored, durably, before this answer", schema_ref(Accepted::name().as_ref())),
                )
                .response("409", text_response("The Idempotency-Key was used for another list"))
                .response("413", text_response("The body is over the ingest limit"))
                .response("415", text_response("Neither application/x-ndjson nor application/json"))
                .response(
                    "422",
                    json_response(
                        "Every bad record by line and field; nothing was written",
                        schema_ref(Rejected::name().as_ref()),
                    ),
                )
                .security(SecurityRequirement::new("token", Vec::<String>::new()));
            item_path = item_path.operation(HttpMethod::Post, refusals(ingest, false));
        }
        paths = paths.path(format!("/api/v1/{slug}"), item_path.build());

        let one = OperationBuilder::new()
            .operation_id(Some(format!("get_{slug}")))
            .summary(Some(format!("{title}: one row")))
            .tag(slug)
            .parameter(id_parameter())
            .response("200", json_response("The row", schema_ref(&item_name)))
            .response("404", text_response("No row with this id"));
        paths = paths.path(
            format!("/api/v1/{slug}/{{id}}"),
            PathItemBuilder::new().operation(HttpMethod::Get, refusals(one, true)).build(),
        );

        if Category::log_from_slug(slug).is_some() {
            let mut follow = OperationBuilder::new()
                .operation_id(Some(format!("follow_{slug}")))
                .summary(Some(format!("{title}: new rows as they arrive (server-sent events)")))
                .description(Some(
                    "One event per new row matching the list's query, oldest first: `id` the row's id, `data` \
                     its cells as the list shows them (JSON). Starts after `after`, or after the newest row; a \
                     reconnecting client sends `Last-Event-ID` and misses no row.",
                ))
                .tag(slug)
                .parameter(query_parameter("after", typed(Type::Integer), "Start after the row with this id"))
                .response(
                    "200",
                    ResponseBuilder::new()
                        .description("The events, until the server asks the client to reconnect")
                        .content("text/event-stream", ContentBuilder::new().schema(Some(String::schema())).build()),
                );
            for parameter in list_parameters(category) {
                follow = follow.parameter(parameter);
            }
            paths = paths.path(
                format!("/api/v1/{slug}/follow"),
                PathItemBuilder::new().operation(HttpMethod::Get, refusals(follow, true)).build(),
            );
        }

        let mut csv = OperationBuilder::new()
            .operation_id(Some(format!("export_{slug}")))
            .summary(Some(format!("{title}: every matching row as CSV (streamed)")))
            .tag(slug)
            .response(
                "200",
                ResponseBuilder::new()
                    .description("The export; cells that a spreadsheet would run as formulas are neutralised")
                    .content("text/csv", ContentBuilder::new().schema(Some(String::schema())).build()),
            );
        for parameter in list_parameters(category) {
            csv = csv.parameter(parameter);
        }
        paths = paths.path(
            format!("/api/v1/{slug}.csv"),
            PathItemBuilder::new().operation(HttpMethod::Get, refusals(csv, true)).build(),
        );
    }
    let this = OperationBuilder::new()
        .operation_id(Some("openapi"))
        .summary(Some("This document"))
        .response("200", json_response("OpenAPI 3.1", typed(Type::Object)));
    paths = paths.path(PATH, PathItemBuilder::new().operation(HttpMethod::Get, this).build());
    OpenApiBuilder::new()
        .info(InfoBuilder::new().title("pslog API").version(env!("CARGO_PKG_VERSION")).description(Some(
            "Read every log as JSON or CSV, and send events in. Callers: a signed-in console session \
                     (cookie), or an API token (`Authorization: Bearer`): a `read` token may GET, an `ingest` token \
                     may only POST. Tokens: `pslog token add NAME --scope ingest|read`, or the Console users page.",
        )))
        .paths(paths.build())
        .components(Some(components.build()))
        .security(Some(vec![
            SecurityRequirement::new("token", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]))
        .build()
}

/// `sip-sessions` → `SipSessions`: a schema name from a slug.
fn pascal(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_names() {
        assert_eq!(super::pascal("sip-sessions"), "SipSessions");
        assert_eq!(super::pascal("cdr"), "Cdr");
    }
}
