"""Where plate crops and full images live, behind one small protocol."""

from platekeeper.store.images.local import LocalImageStore
from platekeeper.store.images.protocol import ImageKind, ImageStore, detect_image_type

__all__ = ["ImageKind", "ImageStore", "LocalImageStore", "detect_image_type"]
