"""Files of the Telegram simulator: uploads registered under file ids, photos in three sizes, getFile."""

from __future__ import annotations

from bot.simulator.objects import (
    MAX_DOWNLOAD_BYTES,
    JSONDict,
    SimFile,
    bad_request,
    image_size,
    jpeg_bytes,
    scaled,
)


class FileStore:
    """Every file the simulator can serve, by file_id and by file_path."""

    def __init__(self) -> None:
        self.files: dict[str, SimFile] = {}
        self._files_by_path: dict[str, SimFile] = {}
        self._photo_sets: dict[str, list[JSONDict]] = {}
        self._file_seq = 0

    def register(self, data: bytes, file_size: int | None, folder: str, ext: str) -> SimFile:
        """Store a downloadable file under a fresh file_id and file_path."""
        self._file_seq += 1
        n = self._file_seq
        file = SimFile(f"SIM{folder[:3].upper()}{n:06d}", f"AQAD{n:06d}", f"{folder}/file_{n}.{ext}", data,
                       len(data) if file_size is None else file_size)
        self.files[file.file_id] = file
        self._files_by_path[file.file_path] = file
        return file

    def register_photo(self, data: bytes) -> list[JSONDict]:
        """Three PhotoSize dicts, smallest first; the smaller ones serve different, generated JPEGs."""
        full = image_size(data)
        longest = max(full)
        small = scaled(full, min(90, max(1, longest // 4)))
        medium = scaled(full, min(320, max(1, longest // 2)))
        variants = [(small, jpeg_bytes(*small, (200, 200, 200))),
                    (medium, jpeg_bytes(*medium, (120, 120, 120))), (full, data)]
        sizes: list[JSONDict] = []
        for (width, height), blob in variants:
            file = self.register(blob, None, "photos", "jpg")
            sizes.append({"file_id": file.file_id, "file_unique_id": file.file_unique_id,
                          "file_size": file.file_size, "width": width, "height": height})
        for size in sizes:
            self._photo_sets[size["file_id"]] = sizes
        return sizes

    def file_at(self, path: str) -> SimFile | None:
        """The file served at this file_path, if any."""
        return self._files_by_path.get(path)

    async def get_file(self, p: JSONDict) -> JSONDict:
        """getFile."""
        file = self.files.get(str(p.get("file_id", "")))
        if file is None:
            raise bad_request("wrong file_id or the file is temporary unavailable")
        if file.file_size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {"file_id": file.file_id, "file_unique_id": file.file_unique_id, "file_size": file.file_size,
                "file_path": file.file_path}
