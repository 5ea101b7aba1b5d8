"""The values the source uses for "missing" (DESIGN section 4), declared once.

The emulator writes them into the source database; the jobs' cleaning (DESIGN section 7) turns
them into null. Only pin columns have them; an empty string means missing in every text column.
"""

from __future__ import annotations

NO_TITLE = "No Title Data Available"
NO_DESCRIPTION = ("No description available Story format", "No description available", "Untitled")
USER_INFO_ERROR = "User Info Error"
NO_TAGS = "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e"
IMAGE_SRC_ERROR = "Image src error."

PIN_SENTINELS: dict[str, tuple[str, ...]] = {
    "title": (NO_TITLE,),
    "description": NO_DESCRIPTION,
    "poster_name": (USER_INFO_ERROR,),
    "follower_count": (USER_INFO_ERROR,),
    "tag_list": (NO_TAGS,),
    "image_src": (IMAGE_SRC_ERROR,),
}
"""Per pin column, the values that mean missing."""
