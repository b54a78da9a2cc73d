//! Integration tests of verification against the fake Azure DevOps (fake-azure).
