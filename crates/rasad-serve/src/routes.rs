//! The route table: one list that both builds the router and is checked against the
//! OpenAPI document, so the two cannot drift apart.

use crate::{api, assets, AppState};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Uri};
use axum::routing::{get, post, MethodRouter};
use axum::Router;

/// One API operation.
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
}

/// Every API operation, in the order the document lists them.
pub fn api_routes() -> Vec<Route> {
    vec![
        Route {
            method: "GET",
            path: "/api/health",
            handler: get(api::health),
        },
        Route {
            method: "GET",
            path: "/api/openapi.json",
            handler: get(api::openapi),
        },
        Route {
            method: "GET",
            path: "/api/events",
            handler: get(api::list_events),
        },
        Route {
            method: "GET",
            path: "/api/events/{id}",
            handler: get(api::get_event),
        },
        Route {
            method: "POST",
            path: "/api/articles",
            handler: post(api::post_articles),
        },
        Route {
            method: "GET",
            path: "/api/articles/{id}",
            handler: get(api::get_article),
        },
        Route {
            method: "GET",
            path: "/api/stats",
            handler: get(api::stats),
        },
    ]
}

pub fn build(state: AppState) -> Router {
    let mut r: Router<AppState> = Router::new();
    for route in api_routes() {
        r = r.route(route.path, route.handler);
    }
    r.fallback(dashboard)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(DefaultBodyLimit::max(crate::MAX_BODY_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            crate::REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

async fn dashboard(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> axum::response::Response {
    assets::serve(s.inner.assets_dir.as_deref(), &uri, &headers).await
}
