"""Indonesian-looking agent names, unique within one simulated site."""

from __future__ import annotations

import random

FIRST = (
    "Siti Dewi Putri Ayu Rina Sri Nur Indah Fitri Wulan Ratna Maya Lestari Yuni Dian "
    "Rini Novi Eka Mega Intan Sari Anisa Nadia Dinda Tika Wahyu Citra Nurul Kartika "
    "Rizka Agus Budi Andi Dedi Eko Hendra Joko Rudi Yudi Arief Bambang Dimas Fajar "
    "Gilang Hadi Irfan Kurniawan Lukman Muhammad Nanda Rahmat Reza Rizky Slamet Teguh "
    "Yoga Bayu Adi Ahmad Aditya Bagus Danu Faisal Galih Hafiz Ilham Iwan Kevin Made "
    "Nyoman Ketut Wayan Putu Yosef Maria Theresia Christina Yohanes Fransiska Agnes"
).split()

LAST = (
    "Rahmawati Wulandari Kusuma Saputra Pratama Hidayat Nugroho Santoso Setiawan "
    "Wijaya Susanto Lestari Permata Utami Purnamasari Handayani Kurniasih Maharani "
    "Anggraini Safitri Ramadhan Firmansyah Hakim Gunawan Siregar Nasution Simanjuntak "
    "Harahap Lubis Sinaga Situmorang Tanjung Pohan Hutapea Sembiring Ginting Tarigan "
    "Manurung Pangaribuan Sitompul Wibowo Prasetyo Hartono Suryadi Kusnadi Rachman "
    "Hasibuan Marpaung Simatupang Panjaitan Syahputra Hermawan Sulistyo Cahyono "
    "Iskandar Mulyadi Sutrisno Yulianti Febriani Oktaviani Puspita Rosalina Amelia "
    "Pertiwi Damayanti Fitriani Novitasari Setyowati Sugiarto Budiman Halim Tanoto"
).split()


def make_names(n: int, rng: random.Random) -> list[str]:
    """`n` distinct names; beyond the first x last combinations an initial is added."""
    pairs = [f"{f} {last}" for f in FIRST for last in LAST if f != last]
    rng.shuffle(pairs)
    names = pairs[:n]
    i = 0
    while len(names) < n:  # very large sites: "Siti A. Rahmawati"
        first, last = pairs[i % len(pairs)].split(" ", 1)
        names.append(f"{first} {chr(65 + (i // len(pairs)) % 26)}. {last}")
        i += 1
    return names
