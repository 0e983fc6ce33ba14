"""The unit service (Đ.5.2a): one import point for views, API, CLI and demo.

Queries and placement rules live in :mod:`unit_tree`, changes in
:mod:`unit_edit`, the Đồng Tháp seed in :mod:`unit_seed` and file import in
:mod:`unit_import`; this module re-exports their public names.
"""

from baocao.platform.services.unit_edit import (
    close_unit,
    create_unit,
    edit_unit,
    merge_units,
    move_unit,
    rebuild_paths,
)
from baocao.platform.services.unit_import import ImportReport, ImportRow, import_units
from baocao.platform.services.unit_seed import (
    PROVINCE_CODE,
    SeedReport,
    dongthap_units,
    seed_dongthap,
)
from baocao.platform.services.unit_tree import (
    TreeNode,
    UnitInput,
    ancestors,
    children,
    find_unit,
    get_unit,
    list_units,
    resolve,
    search_units,
    subtree,
    subtree_codes,
    tree,
)

__all__ = [
    "PROVINCE_CODE",
    "ImportReport",
    "ImportRow",
    "SeedReport",
    "TreeNode",
    "UnitInput",
    "ancestors",
    "children",
    "close_unit",
    "create_unit",
    "dongthap_units",
    "edit_unit",
    "find_unit",
    "get_unit",
    "import_units",
    "list_units",
    "merge_units",
    "move_unit",
    "rebuild_paths",
    "resolve",
    "search_units",
    "seed_dongthap",
    "subtree",
    "subtree_codes",
    "tree",
]
