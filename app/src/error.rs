//! The one error type of the application. Server functions return it, the HTTP routes map it
//! to a status, and the pages show its message. Internal errors are logged on the server and
//! reach the user only as a plain sentence, never with database text.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request is malformed: a bad page number, sort key, code or date.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    /// No one is signed in, or the session has ended.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but the role does not allow it (or the form was forged).
    #[error("{0}")]
    Forbidden(String),
    /// The change contradicts the stored state (a duplicate name, the last admin).
    #[error("{0}")]
    Conflict(String),
    /// The route does not take this method (sending rows of a derived list).
    #[error("{0}")]
    MethodNotAllowed(String),
    /// A request body over the size limit.
    #[error("{0}")]
    TooLarge(String),
    /// A request body of a content type the route does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Too many failed attempts from one address, or too many of something at once (exports,
    /// logins being checked); try again later.
    #[error("{0}")]
    TooManyRequests(String),
    /// The request was sent to a host name that is not this console's.
    #[error("{0}")]
    MisdirectedRequest(String),
    /// The server is at a limit that is not the caller's fault (connections); try again.
    #[error("{0}")]
    Unavailable(String),
    #[error("Something went wrong on the server; the details are in its log.")]
    Internal,
    /// The browser could not talk to the server.
    #[error("The server could not be reached: {0}")]
    Unreachable(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => AppError::BadRequest(m),
            ServerFnErrorErr::Request(m) => AppError::Unreachable(m),
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};

    impl AppError {
        pub fn status(&self) -> StatusCode {
            match self {
                AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
                AppError::NotFound(_) => StatusCode::NOT_FOUND,
                AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
                AppError::Forbidden(_) => StatusCode::FORBIDDEN,
                AppError::Conflict(_) => StatusCode::CONFLICT,
                AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
                AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
                AppError::MisdirectedRequest(_) => StatusCode::MISDIRECTED_REQUEST,
                AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                AppError::Internal | AppError::Unreachable(_) => StatusCode::INTERNAL_SERVER_ERROR,
            }
        }

        /// Gives the page being rendered (or the server function's response) this error's
        /// status, so that a bad address is a 400 and a missing row a 404, not a 200.
        pub fn set_page_status(&self) {
            if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                opts.set_status(self.status());
            }
        }

        /// Logs an internal failure and returns the opaque error the user sees.
        pub fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
            tracing::error!(%err, "{context}");
            AppError::Internal
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            AppError::internal("database error", err)
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let mut response =
                (self.status(), [("content-type", "text/plain; charset=utf-8")], self.to_string()).into_response();
            // A limit that passes: tell clients when to come back.
            if matches!(self, AppError::TooManyRequests(_) | AppError::Unavailable(_)) {
                response.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("5"));
            }
            response
        }
    }
}
