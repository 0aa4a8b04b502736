"""Clerk: its keys, its Backend API, its JWT template and its clerk.* checks."""
