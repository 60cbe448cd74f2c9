"""The peer for world generation: Faker writing rows of the same shape (what people reach for).

Usage: python -m benchmarks.peers.faker_world N OUT.csv
"""

from __future__ import annotations

import csv
import sys

from faker import Faker

from scamlink.interop.report_csv import COLUMNS


def main() -> None:
    count, out = int(sys.argv[1]), sys.argv[2]
    locales = ("ko_KR", "th_TH", "vi_VN", "id_ID", "en_US")
    fakers = [Faker(locale) for locale in locales]
    for index, fake in enumerate(fakers):
        fake.seed_instance(index)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for n in range(count):
            fake = fakers[n % len(fakers)]
            locale = locales[n % len(locales)]
            writer.writerow(
                [
                    f"R-{n}",
                    fake.iso8601(),
                    fake.date(),
                    locale[3:],
                    locale[:2],
                    "investment",
                    fake.pyint(),
                    "USD",
                    fake.paragraph(nb_sentences=4),
                    fake.phone_number(),
                    fake.url(),
                    fake.email(),
                    "",
                    fake.bban(),
                    fake.user_name(),
                    "GREEN",
                ]
            )


if __name__ == "__main__":
    main()
