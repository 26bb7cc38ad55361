"""Routes: parents (being built)."""

from fastapi import APIRouter

router = APIRouter()
