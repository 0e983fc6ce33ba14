"""The document store: MongoEngine on MongoDB, or mongomock in demo mode.

DESIGN.md §3: with ``BAOCAO_MONGODB_URI`` set, documents and files live in a real
MongoDB (a replica set in production); without it they live in an in-process
mongomock client, which is what ``baocao demo`` and the test suite use. GridFS
always runs on the same client so that files and the documents that point to them
share one store. Only operations both back ends support are used: single-document
atomic updates, no multi-document transactions (see docs/mongodb.md).
"""

from __future__ import annotations

import logging

import gridfs
import mongoengine
from pymongo.database import Database

from baocao.platform.settings import Settings

logger = logging.getLogger(__name__)

ALIAS = mongoengine.DEFAULT_CONNECTION_NAME

#: Shown on every page while documents are only kept in process memory.
DEMO_BANNER = "Chế độ trình diễn: dữ liệu không được lưu"


def connect(settings: Settings) -> None:
    """(Re)connect the default MongoEngine alias as ``settings`` says.

    Reconnecting drops the previous client, so each app built by a test gets an
    empty in-memory store.
    """
    mongoengine.disconnect(ALIAS)
    if settings.mongodb_uri is None:
        import mongomock
        import mongomock.gridfs

        mongomock.gridfs.enable_gridfs_integration()
        mongoengine.connect(
            settings.mongodb_db,
            alias=ALIAS,
            host="mongodb://localhost",
            mongo_client_class=mongomock.MongoClient,
            uuidRepresentation="standard",
        )
        logger.warning("%s (mongomock trong bộ nhớ)", DEMO_BANNER)
        return
    mongoengine.connect(
        settings.mongodb_db,
        alias=ALIAS,
        host=settings.mongodb_uri.reveal(),
        uuidRepresentation="standard",
    )


def get_db() -> Database:
    """The connected database (real or mongomock)."""
    return mongoengine.get_db(ALIAS)


def get_gridfs(collection: str = "fs") -> gridfs.GridFS:
    """A GridFS bucket on the same client as the documents."""
    return gridfs.GridFS(get_db(), collection=collection)
