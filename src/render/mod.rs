//! Renderers (stub).
